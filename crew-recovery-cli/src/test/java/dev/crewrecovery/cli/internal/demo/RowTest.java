package dev.crewrecovery.cli.internal.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowTest {

  @Test
  void aRowIsAsExpectedOnlyWhenItsOutcomeEqualsTheExpectedOne() {
    assertThat(Row.of(1, "f", "d", null, "a", "run COMPLETED", "run COMPLETED").asExpected())
        .isTrue();
    assertThat(Row.of(1, "f", "d", null, "a", "run FAILED", "run COMPLETED").asExpected())
        .isFalse();
    assertThat(Row.error(1, "f", "run COMPLETED", "timeout").asExpected()).isFalse();
  }

  @Test
  void theExitCodeIsZeroOnlyWhenEveryOutcomeIsExpectedAndSomethingRan() {
    Row good = Row.of(1, "f", "d", null, "a", "x", "x");
    Row bad = Row.of(2, "f", "d", null, "a", "y", "x");

    assertThat(Demo.exitCode(List.of(good))).isEqualTo(Demo.OK);
    assertThat(Demo.exitCode(List.of(good, bad))).isEqualTo(Demo.UNEXPECTED);
    assertThat(Demo.exitCode(List.of(bad))).isEqualTo(Demo.UNEXPECTED);
    assertThat(Demo.exitCode(List.of())).isEqualTo(Demo.UNEXPECTED);
  }

  @Test
  void theTableHasOneLinePerRowAndNamesWhatWasExpectedForAnUnexpectedOne() {
    List<String> lines =
        Row.table(
            List.of(
                Row.of(1, "none", "result", null, "finish", "run COMPLETED", "run COMPLETED"),
                Row.of(
                    2,
                    "SIGKILL",
                    "onExit",
                    Duration.ofMillis(42),
                    "retry",
                    "run FAILED",
                    "run COMPLETED")));

    assertThat(lines).hasSize(5);
    assertThat(lines.get(0)).startsWith("# | failure").contains("latency").endsWith("| ok");
    assertThat(lines.get(2)).startsWith("1 | none").contains("| -").endsWith("| yes");
    assertThat(lines.get(3)).startsWith("2 | SIGKILL").contains("| 42 ms").endsWith("| NO");
    assertThat(lines.get(4)).isEqualTo("scenario 2 expected: run COMPLETED");
    // Columns line up: every separator of a row is where the header's is.
    assertThat(lines.get(2).indexOf(" | ", 4)).isEqualTo(lines.get(0).indexOf(" | ", 4));
  }

  @Test
  void latencyIsInMillisecondsBelowASecondAndInSecondsAbove() {
    assertThat(Row.of(1, "f", "d", Duration.ofMillis(999), "a", "o", "o").latencyText())
        .isEqualTo("999 ms");
    assertThat(Row.of(1, "f", "d", Duration.ofMillis(3_210), "a", "o", "o").latencyText())
        .isEqualTo("3.21 s");
    assertThat(Row.of(1, "f", "d", null, "a", "o", "o").latencyText()).isEqualTo("-");
  }
}
