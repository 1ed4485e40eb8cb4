/**
 * The operator command line: inspect runs and deadletters, plan and apply repairs, redrive, and run
 * the demo crew. Commands are picocli classes; the package is opened to picocli so it can populate
 * their options reflectively.
 */
@NullMarked
package dev.crewrecovery.cli;

import org.jspecify.annotations.NullMarked;
