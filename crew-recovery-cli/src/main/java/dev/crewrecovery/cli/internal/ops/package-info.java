/**
 * The operator commands of {@code crew-recovery}: status, inspect, reconcile, recover, deadletter
 * and events. Each command opens the store named by the root command's {@code --store}, reads it
 * through the public API of core, and prints a table for people or JSON for scripts. Commands that
 * repair act as a short-lived operator session with its own lease. Not exported; opened to picocli,
 * which populates the command fields reflectively.
 */
@NullMarked
package dev.crewrecovery.cli.internal.ops;

import org.jspecify.annotations.NullMarked;
