package dev.crewrecovery.cli.internal.demo;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code crew-recovery demo}: shows the library at work on real processes, in under a minute, and
 * checks that every failure ends as expected (exit code 0; 1 when an outcome differs; 3 when the
 * store cannot be used).
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Shows crew-recovery at work on real processes, in under a minute.",
      "",
      "Runs seven failures on worker processes (child JVMs) in a fresh store and narrates how"
          + " crew-recovery detects and handles each: normal completion, SIGKILL, SIGSTOP, a"
          + " crashed second host, a recycled PID, deliveries across a session switch, and"
          + " retries ending in a deadletter entry that is redriven. Ends with a table and exits"
          + " 0 only if every outcome is the expected one."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every outcome as expected",
      "1:an outcome differs from the expected one",
      "2:usage error",
      "3:the store cannot be used"
    })
public final class DemoCommand implements java.util.concurrent.Callable<Integer> {

  @Option(
      names = "--store",
      paramLabel = "DIR",
      description = "Store directory to use (default: a fresh temporary one, deleted afterwards).")
  private @Nullable Path store;

  @Option(names = "--keep", description = "Keep the temporary store and print its path.")
  private boolean keep;

  @Option(
      names = "--only",
      split = ",",
      paramLabel = "N",
      description = "Run only these scenarios (1-7), for example --only 1,2,5.")
  private List<Integer> only = new ArrayList<>();

  @CommandLine.Spec private CommandLine.Model.@Nullable CommandSpec spec;

  /** Creates the command (picocli instantiates it). */
  public DemoCommand() {}

  @Override
  public Integer call() {
    CommandLine.Model.CommandSpec s = spec;
    if (s == null) {
      throw new IllegalStateException("picocli did not inject the command spec");
    }
    for (int n : only) {
      if (n < 1 || n > 7) {
        throw new CommandLine.ParameterException(
            s.commandLine(), "--only takes scenario numbers from 1 to 7, not " + n);
      }
    }
    PrintWriter out = s.commandLine().getOut();
    return new Demo(out).run(storeGiven(s), new LinkedHashSet<>(only), keep);
  }

  /**
   * The demo's own {@code --store}, else the root command's when the user gave it ({@code
   * crew-recovery --store DIR demo}); the root's default ({@code ./.crew}) is not used, so that the
   * demo never writes into a store the user did not name.
   */
  private @Nullable Path storeGiven(CommandLine.Model.CommandSpec s) {
    if (store != null) {
      return store;
    }
    CommandLine.ParseResult root = s.root().commandLine().getParseResult();
    CommandLine.Model.OptionSpec given = root == null ? null : root.matchedOption("--store");
    Object value = given == null ? null : given.getValue();
    return value == null ? null : Path.of(value.toString());
  }
}
