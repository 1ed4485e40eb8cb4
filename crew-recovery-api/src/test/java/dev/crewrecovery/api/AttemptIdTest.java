package dev.crewrecovery.api;

import static dev.crewrecovery.api.Fixtures.RUN;
import static dev.crewrecovery.api.Fixtures.TASK_A;
import static dev.crewrecovery.api.Fixtures.escaped;
import static dev.crewrecovery.api.Fixtures.isPrintableAscii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** The attempt id: a value (run, task, n) written {@code <runId>:<taskId>:<n>}. */
class AttemptIdTest {

  @Test
  void textFormIsRunTaskAndNumberSeparatedByColons() {
    AttemptId id = AttemptId.of(RunId.of("run.7"), TaskId.of("fetch-data_2"), 12);
    assertThat(id.toString()).isEqualTo("run.7:fetch-data_2:12");
    assertThat(id.runId()).isEqualTo(RunId.of("run.7"));
    assertThat(id.taskId()).isEqualTo(TaskId.of("fetch-data_2"));
    assertThat(id.number()).isEqualTo(12);
    assertThat(AttemptId.parse("run.7:fetch-data_2:12")).isEqualTo(id);
  }

  @Test
  void numbersFromOneToTheMaximumAreAccepted() {
    assertThat(AttemptId.of(RUN, TASK_A, 1).number()).isEqualTo(1);
    AttemptId max = AttemptId.of(RUN, TASK_A, 999_999_999);
    assertThat(AttemptId.MAX_NUMBER).isEqualTo(999_999_999);
    assertThat(AttemptId.parse(max.toString())).isEqualTo(max);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, -999_999_999, Integer.MIN_VALUE, 1_000_000_000, Integer.MAX_VALUE})
  void numbersOutOfRangeAreRejected(int n) {
    assertThatThrownBy(() -> AttemptId.of(RUN, TASK_A, n))
        .isInstanceOfSatisfying(
            InvalidIdException.class,
            e -> {
              assertThat(e.kind()).isEqualTo("AttemptId");
              assertThat(e.getMessage()).contains(String.valueOf(n)).contains("999999999");
            });
  }

  @Test
  void nullComponentsAreRejected() {
    assertThatThrownBy(() -> new AttemptId(null, TASK_A, 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("runId");
    assertThatThrownBy(() -> new AttemptId(RUN, null, 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("taskId");
    assertThatThrownBy(() -> AttemptId.parse(null)).isInstanceOf(NullPointerException.class);
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @ValueSource(
      strings = {
        "",
        "a",
        ":",
        "::",
        ":::",
        "a:b",
        "a:1",
        "a:b:c:1",
        "a:b:1:",
        "a:b:0",
        "a:b:00",
        "a:b:01",
        "a:b:-1",
        "a:b:+1",
        "a:b:-0",
        "a::1",
        ":b:1",
        "::1",
        "a:b:",
        "a:b:1000000000",
        "a:b:2147483647",
        "a:b:2147483648",
        "a:b:99999999999999999999",
        "a:b: 1",
        "a:b:1 ",
        " a:b:1",
        "a:b:1\n",
        "a:b:1.0",
        "a:b:1e3",
        "a:b:0x1",
        "a:b:\u0661",
        "a:b:\uFF11",
        "a:b:one",
        "a/../b:c:1",
        "a:b/c:1",
        "..:b:1",
        "a:..:1",
        ".a:b:1",
        "a:-b:1",
        "a\u0000:b:1",
        "\u0440\u0430n:b:1",
        "a:b\u202E:1",
        "a:b;1",
        "a;b:1"
      })
  void malformedTextIsRejectedAsAnAttemptId(String text) {
    assertThatThrownBy(() -> AttemptId.parse(text))
        .isInstanceOfSatisfying(
            InvalidIdException.class,
            e -> {
              assertThat(e.kind()).isEqualTo("AttemptId");
              assertThat(e.rejectedValue()).isEqualTo(text);
              assertThat(e.getMessage()).contains("\"" + escaped(text) + "\"");
              assertThat(isPrintableAscii(e.getMessage())).as(e.getMessage()).isTrue();
            });
  }

  @Test
  void aBadIdPartIsReportedWithTheIdRule() {
    assertThatThrownBy(() -> AttemptId.parse("a::1"))
        .isInstanceOf(InvalidIdException.class)
        .hasMessageContaining("TaskId")
        .hasMessageContaining(Fixtures.RULE_PATTERN);
    assertThatThrownBy(() -> AttemptId.parse(":b:1"))
        .isInstanceOf(InvalidIdException.class)
        .hasMessageContaining("RunId");
  }

  @Test
  void nextIncrementsTheNumberOfTheSameTask() {
    AttemptId first = AttemptId.of(RUN, TASK_A, 1);
    AttemptId second = first.next();
    assertThat(second).isEqualTo(AttemptId.of(RUN, TASK_A, 2));
    assertThat(second.next().next().number()).isEqualTo(4);
    assertThatThrownBy(() -> AttemptId.of(RUN, TASK_A, AttemptId.MAX_NUMBER).next())
        .isInstanceOf(InvalidIdException.class);
  }

  @Test
  void orderingIsByRunThenTaskThenNumericNumber() {
    RunId r1 = RunId.of("r1");
    RunId r2 = RunId.of("r2");
    TaskId ta = TaskId.of("a");
    TaskId tb = TaskId.of("b");
    List<AttemptId> expected =
        List.of(
            AttemptId.of(r1, ta, 2),
            AttemptId.of(r1, ta, 10),
            AttemptId.of(r1, ta, 100),
            AttemptId.of(r1, tb, 1),
            AttemptId.of(r2, ta, 1),
            AttemptId.of(r2, tb, 9),
            AttemptId.of(r2, tb, 999_999_999));
    List<AttemptId> shuffled = new ArrayList<>(expected);
    Collections.shuffle(shuffled, new Random(7));
    Collections.sort(shuffled);
    assertThat(shuffled).containsExactlyElementsOf(expected);
    // Numeric, not textual: "10" sorts before "2" as text.
    assertThat(AttemptId.of(r1, ta, 2)).isLessThan(AttemptId.of(r1, ta, 10));
    assertThat(AttemptId.of(r1, ta, 3).compareTo(AttemptId.of(r1, ta, 3))).isZero();
  }

  @Test
  void theTextFormIsNeverAPathId() {
    String text = AttemptId.of(RUN, TASK_A, 1).toString();
    assertThatThrownBy(() -> RunId.of(text)).isInstanceOf(InvalidIdException.class);
    assertThatThrownBy(() -> DeliveryId.of(text)).isInstanceOf(InvalidIdException.class);
  }

  // ---- properties ----

  private static Gen<AttemptId> attempts() {
    Gen<Integer> numbers =
        Generate.frequency(
            org.quicktheories.api.Pair.of(3, integers().between(1, 20)),
            org.quicktheories.api.Pair.of(2, integers().between(1, AttemptId.MAX_NUMBER)),
            org.quicktheories.api.Pair.of(1, Generate.constant(AttemptId.MAX_NUMBER)));
    return PathIdTest.validIds()
        .zip(
            PathIdTest.validIds(),
            numbers,
            (r, t, n) -> AttemptId.of(RunId.of(r), TaskId.of(t), n));
  }

  @Test
  void propertyTextFormParsesBackToTheSameAttempt() {
    qt().forAll(attempts())
        .checkAssert(
            id -> {
              String text = id.toString();
              assertThat(text)
                  .isEqualTo(id.runId().value() + ":" + id.taskId().value() + ":" + id.number());
              AttemptId parsed = AttemptId.parse(text);
              assertThat(parsed).isEqualTo(id);
              assertThat(parsed.toString()).isEqualTo(text);
            });
  }

  @Test
  void propertyOrderingIsConsistentWithEquals() {
    qt().forAll(attempts(), attempts())
        .checkAssert(
            (a, b) -> {
              assertThat(a.compareTo(b) == 0).isEqualTo(a.equals(b));
              assertThat(Integer.signum(a.compareTo(b))).isEqualTo(-Integer.signum(b.compareTo(a)));
            });
  }

  @Test
  void neighbouringAttemptsHaveDistinctTextForms() {
    List<String> texts =
        List.of(
                AttemptId.of(RunId.of("a"), TaskId.of("b.1"), 1),
                AttemptId.of(RunId.of("a.b"), TaskId.of("1"), 1),
                AttemptId.of(RunId.of("a"), TaskId.of("b"), 11))
            .stream()
            .map(AttemptId::toString)
            .collect(Collectors.toList());
    assertThat(texts).doesNotHaveDuplicates();
  }
}
