package dev.crewrecovery.cli.internal.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunId;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventTailTest {

  private static RunEvent event(String type, Map<String, String> data) {
    return new RunEvent(RunId.of("r"), 7, type, Instant.parse("2026-01-01T00:00:00Z"), data);
  }

  @Test
  void aLineNamesTheTypeThenTheKnownKeysInOrderThenTheOthersAlphabetically() {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("zeta", "z");
    data.put("exitClass", "NON_ZERO_EXIT");
    data.put("attempt", "r:t1:1");
    data.put("alpha", "a");

    assertThat(EventTail.describe(event("task.failed", data)))
        .isEqualTo("event task.failed attempt=r:t1:1 exitClass=NON_ZERO_EXIT alpha=a zeta=z");
  }

  @Test
  void proseAndValuesThatSayNothingAreLeftOut() {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("why", "a long explanation");
    data.put("session", "s#1");
    data.put("forced", "false");
    data.put("completedTasks", "0");
    data.put("failedTasks", "t1");
    data.put("logPath", "null");
    data.put("note", "");

    assertThat(EventTail.describe(event("run.reconciled", data)))
        .isEqualTo("event run.reconciled failedTasks=t1");
  }

  @Test
  void longValuesAndLongLinesAreCut() {
    Map<String, String> data = new LinkedHashMap<>();
    for (int i = 0; i < 10; i++) {
      data.put("k" + i, "v".repeat(100));
    }

    String line = EventTail.describe(event("x", data));

    assertThat(line).hasSize(150).endsWith("…");
    assertThat(line).contains("k0=" + "v".repeat(47) + "… ");
  }
}
