package dev.crewrecovery.api;

import static dev.crewrecovery.api.Fixtures.RUN;
import static dev.crewrecovery.api.Fixtures.T0;
import static dev.crewrecovery.api.Fixtures.isPrintableAscii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Event records: the type pattern {@code [a-z][a-z0-9_]*(\.[a-z0-9_]+)*}, data copies, seq. */
class EventTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a",
        "run",
        "run.reconciled",
        "task.attempt_started",
        "a1.b2.c3",
        "x_.y_z.0",
        "run.9",
        "snake_case_only"
      })
  void validTypesAreAccepted(String type) {
    assertThat(NewEvent.of(type, T0, Map.of()).type()).isEqualTo(type);
    assertThat(new RunEvent(RUN, 1, type, T0, Map.of()).type()).isEqualTo(type);
  }

  @Test
  void typeOf128CharactersIsAcceptedAnd129Rejected() {
    String t128 = "a" + ".b".repeat(63) + "c";
    assertThat(t128).hasSize(128);
    assertThat(NewEvent.of(t128, T0, Map.of()).type()).isEqualTo(t128);
    assertThatThrownBy(() -> NewEvent.of(t128 + "d", T0, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("128");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "Run",
        "run.Reconciled",
        "1run",
        "_run",
        ".run",
        "run.",
        "run..x",
        "run-x",
        "run x",
        "run/x",
        "run:x",
        "run.\u00e9",
        "run\n",
        "run\u0000",
        "run.\u202Ex",
        "\u0440un"
      })
  void invalidTypesAreRejectedWithAnEscapedMessage(String type) {
    for (Runnable r :
        new Runnable[] {
          () -> NewEvent.of(type, T0, Map.of()), () -> new RunEvent(RUN, 1, type, T0, Map.of())
        }) {
      assertThatThrownBy(r::run)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("event type")
          .hasMessageContaining("[a-z]")
          .satisfies(e -> assertThat(isPrintableAscii(e.getMessage())).isTrue());
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, Long.MIN_VALUE})
  void seqBelowOneIsRejected(long seq) {
    assertThatThrownBy(() -> new RunEvent(RUN, seq, "a.b", T0, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("seq");
  }

  @Test
  void dataIsCopiedUnmodifiableAndKeepsInsertionOrder() {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("z", "1");
    data.put("a", "2");
    NewEvent e = NewEvent.of("run.x", T0, data);
    RunEvent re = new RunEvent(RUN, 7, "run.x", T0, data);
    data.put("late", "3");
    data.remove("z");
    assertThat(e.data()).containsExactly(Map.entry("z", "1"), Map.entry("a", "2"));
    assertThat(re.data()).containsExactly(Map.entry("z", "1"), Map.entry("a", "2"));
    assertThatThrownBy(() -> e.data().put("b", "c"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> re.data().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void nullDataValuesAreRejected() {
    Map<String, String> data = new HashMap<>();
    data.put("k", null);
    assertThatThrownBy(() -> NewEvent.of("run.x", T0, data))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("data");
  }
}
