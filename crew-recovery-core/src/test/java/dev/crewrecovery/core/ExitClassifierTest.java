package dev.crewrecovery.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crewrecovery.api.ExitClass;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ExitClassifierTest {

  @Test
  void firstMatchWinsInTheDesignOrder() {
    assertThat(ExitClassifier.classify(1, "SIGKILL", true, true, "enoent", "panic:"))
        .isEqualTo(ExitClass.TIMEOUT);
    assertThat(ExitClassifier.classify(1, "SIGKILL", false, true, "enoent", "panic:"))
        .isEqualTo(ExitClass.CANCELLED);
    assertThat(ExitClassifier.classify(1, "SIGKILL", false, false, "enoent", "panic:"))
        .isEqualTo(ExitClass.SPAWN_ERROR);
    assertThat(ExitClassifier.classify(1, "SIGKILL", false, false, null, "panic: boom"))
        .isEqualTo(ExitClass.NATIVE_PANIC);
    assertThat(ExitClassifier.classify(null, "SIGKILL", false, false, null, "bye"))
        .isEqualTo(ExitClass.SIGNAL_EXIT);
    assertThat(ExitClassifier.classify(0, null, false, false, null, ""))
        .isEqualTo(ExitClass.CLEAN_EXIT);
    assertThat(ExitClassifier.classify(3, null, false, false, null, "oops"))
        .isEqualTo(ExitClass.NON_ZERO_EXIT);
    assertThat(ExitClassifier.classify(null, null, false, false, null, "panic: x"))
        .isEqualTo(ExitClass.PROTOCOL_EXIT);
  }

  static List<String> signatures() {
    return ExitClassifier.PANIC_SIGNATURES;
  }

  @ParameterizedTest
  @MethodSource("signatures")
  void everySignatureMatchesIgnoringCaseOnlyOnAnAbnormalExit(String signature) {
    String shouted = "log line\n" + signature.toUpperCase(Locale.ROOT) + " at 0x0\n";
    assertThat(ExitClassifier.classify(134, null, false, false, null, shouted))
        .isEqualTo(ExitClass.NATIVE_PANIC);
    assertThat(ExitClassifier.classify(null, "6", false, false, null, signature))
        .isEqualTo(ExitClass.NATIVE_PANIC);
    // A clean exit that printed a crash signature is still clean.
    assertThat(ExitClassifier.classify(0, null, false, false, null, shouted))
        .isEqualTo(ExitClass.CLEAN_EXIT);
  }

  @Test
  void theSignatureListIsExactlyTheDesignOne() {
    assertThat(ExitClassifier.PANIC_SIGNATURES)
        .containsExactly(
            "sigsegv",
            "segfault",
            "segmentation fault",
            "sigabrt",
            "abort(",
            "fatal error",
            "panic:",
            "thread '",
            "illegal instruction",
            "double free");
  }

  @Test
  void nearMissesAreNotPanics() {
    assertThat(ExitClassifier.classify(1, null, false, false, null, "panic without colon, abort"))
        .isEqualTo(ExitClass.NON_ZERO_EXIT);
    assertThat(ExitClassifier.classify(1, null, false, false, null, "threads are fine"))
        .isEqualTo(ExitClass.NON_ZERO_EXIT);
  }

  /** Every combination of the inputs, against the rule written as a decision list. */
  @Test
  void exhaustiveOverTheInputSpace() {
    List<Integer> codes = Arrays.asList(null, 0, 1, 137, -1);
    List<String> signals = Arrays.asList(null, "SIGTERM");
    List<String> spawn = Arrays.asList(null, "ENOENT");
    List<String> tails = List.of("", "ordinary", "Segmentation Fault (core dumped)");
    List<String> failures = new ArrayList<>();
    for (Integer code : codes) {
      for (String signal : signals) {
        for (boolean timedOut : new boolean[] {false, true}) {
          for (boolean cancelled : new boolean[] {false, true}) {
            for (String spawnError : spawn) {
              for (String tail : tails) {
                ExitClass expected;
                boolean abnormal = signal != null || (code != null && code != 0);
                if (timedOut) {
                  expected = ExitClass.TIMEOUT;
                } else if (cancelled) {
                  expected = ExitClass.CANCELLED;
                } else if (spawnError != null) {
                  expected = ExitClass.SPAWN_ERROR;
                } else if (abnormal && tail.startsWith("Segmentation")) {
                  expected = ExitClass.NATIVE_PANIC;
                } else if (signal != null) {
                  expected = ExitClass.SIGNAL_EXIT;
                } else if (code == null) {
                  expected = ExitClass.PROTOCOL_EXIT;
                } else {
                  expected = code == 0 ? ExitClass.CLEAN_EXIT : ExitClass.NON_ZERO_EXIT;
                }
                ExitClass actual =
                    ExitClassifier.classify(code, signal, timedOut, cancelled, spawnError, tail);
                if (actual != expected) {
                  failures.add(
                      code
                          + "/"
                          + signal
                          + "/"
                          + timedOut
                          + "/"
                          + cancelled
                          + "/"
                          + spawnError
                          + "/"
                          + tail
                          + ": "
                          + actual
                          + " != "
                          + expected);
                }
              }
            }
          }
        }
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void anExitCodeAloneClassifiesCleanNonZeroOrProtocol() {
    assertThat(ExitClassifier.classifyExitCode(0)).isEqualTo(ExitClass.CLEAN_EXIT);
    assertThat(ExitClassifier.classifyExitCode(2)).isEqualTo(ExitClass.NON_ZERO_EXIT);
    assertThat(ExitClassifier.classifyExitCode(null)).isEqualTo(ExitClass.PROTOCOL_EXIT);
  }
}
