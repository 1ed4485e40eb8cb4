package dev.crewrecovery.cli.internal.ops;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The base of every operator command: finds the root's {@link GlobalOptions}, opens the store for
 * the time of the command and closes it after, and returns the command's exit code.
 */
abstract class OpsCommand implements Callable<Integer> {

  @Spec CommandSpec spec = CommandSpec.create();

  @Override
  public final Integer call() {
    if (writes()) {
      global().refuseFixedTime(spec.qualifiedName());
    }
    try (Operator op = Operator.open(global())) {
      return run(op);
    }
  }

  /**
   * Runs the command.
   *
   * @param op the open store and the command's context
   * @return the exit code
   */
  abstract int run(Operator op);

  /** Whether this invocation writes to the store (then {@code --now} is refused). */
  boolean writes() {
    return false;
  }

  GlobalOptions global() {
    CommandSpec mixin = spec.root().mixins().get(GlobalOptions.MIXIN);
    if (mixin == null || !(mixin.userObject() instanceof GlobalOptions g)) {
      throw new IllegalStateException("the root command has no " + GlobalOptions.MIXIN + " mixin");
    }
    return g;
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  Style style(Operator op) {
    return new Style(op.env().colours());
  }

  CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
