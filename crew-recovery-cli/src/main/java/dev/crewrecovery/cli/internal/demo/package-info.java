/**
 * The {@code crew-recovery demo} command: a host session on a fresh file store, real worker
 * processes (child JVMs started from this same class path), and seven injected failures, each
 * narrated as it happens and summarised in a table whose outcomes are checked. Not API: nothing
 * here is exported, and the classes may change in any release.
 */
@NullMarked
package dev.crewrecovery.cli.internal.demo;

import org.jspecify.annotations.NullMarked;
