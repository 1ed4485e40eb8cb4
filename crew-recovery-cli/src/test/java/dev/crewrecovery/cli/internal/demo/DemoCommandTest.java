package dev.crewrecovery.cli.internal.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crewrecovery.cli.CrewRecoveryCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs the demo through the command line, in this JVM, with real child JVMs: the scenarios that
 * need no long waits (normal completion, SIGKILL, recycled PID, deliveries), so the class stays
 * within seconds. The full demo runs in {@code .ci/run}.
 */
class DemoCommandTest {

  @TempDir Path store;

  private static int execute(StringWriter out, String... args) {
    CommandLine cli =
        new CommandLine(new CrewRecoveryCommand())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(out, true));
    return cli.execute(args);
  }

  @Test
  void theFastScenariosEndAsExpectedAndTheTableSaysSo() {
    StringWriter out = new StringWriter();

    int code = execute(out, "demo", "--store", store.toString(), "--only", "1,2,5,6");

    String text = out.toString();
    assertThat(code).as(text).isZero();
    List<String> rows =
        Arrays.stream(text.split("\n")).filter(l -> l.matches("^[1-7] \\| .*")).toList();
    assertThat(rows).as(text).hasSize(4);
    assertThat(rows).allSatisfy(r -> assertThat(r).endsWith("| yes"));
    assertThat(rows.get(0)).contains("run COMPLETED, 1 attempt, worker exit 0");
    assertThat(rows.get(1)).contains("process exit (onExit)").contains("attempt 2 COMPLETED");
    assertThat(rows.get(2)).startsWith("5 |").contains("RECYCLED").contains("untouched");
    assertThat(rows.get(3)).startsWith("6 |").contains("stale steer dropped");
    assertThat(text).contains("4 of 4 outcomes as expected");
    // One narrated line per event, with the elapsed time.
    assertThat(text)
        .containsPattern("\\[ *\\d+\\.\\d\\ds\\] 2-sigkill +event task.retry_scheduled");
  }

  @Test
  void aReusedStoreGetsFreshRunIds() {
    StringWriter first = new StringWriter();
    StringWriter second = new StringWriter();

    assertThat(execute(first, "demo", "--store", store.toString(), "--only", "1")).isZero();
    assertThat(execute(second, "demo", "--store", store.toString(), "--only", "1"))
        .as(second.toString())
        .isZero();

    assertThat(first.toString()).contains("demo-normal:t1:1");
    assertThat(second.toString()).contains("demo-normal-2:t1:1");
  }

  @Test
  void anUnknownScenarioIsAUsageError() {
    StringWriter out = new StringWriter();

    int code = execute(out, "demo", "--only", "8");

    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).contains("--only takes scenario numbers from 1 to 7, not 8");
  }
}
