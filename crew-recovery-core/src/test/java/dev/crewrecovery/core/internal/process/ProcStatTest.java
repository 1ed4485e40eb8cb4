package dev.crewrecovery.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProcStatTest {

  static String line(long pid, String comm, char state, long ppid, long startTicks) {
    return FakeProcTree.statLine(pid, comm, state, ppid, startTicks);
  }

  @Test
  void parsesARealLine() throws Exception {
    ProcStat stat = ProcStat.parse(line(20846, "cat", 'R', 20823, 162450));

    assertThat(stat).isEqualTo(new ProcStat(20846, "cat", 'R', 20823, 162450));
    assertThat(stat.terminated()).isFalse();
  }

  @Test
  void startTicksIsField22() throws Exception {
    StringBuilder text = new StringBuilder("7 (x) S");
    for (int field = 4; field <= 30; field++) {
      text.append(' ').append(field);
    }
    ProcStat stat = ProcStat.parse(text.append('\n').toString());

    assertThat(stat.parentPid()).isEqualTo(4);
    assertThat(stat.startTicks()).isEqualTo(ProcStat.START_TICKS_FIELD);
  }

  @Test
  void exactly22FieldsIsEnough() throws Exception {
    StringBuilder text = new StringBuilder("7 (x) S");
    for (int field = 4; field <= 22; field++) {
      text.append(' ').append(field);
    }
    assertThat(ProcStat.parse(text.append('\n').toString()).startTicks()).isEqualTo(22);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a b",
        "a) b",
        ") S 1 2 3",
        "(((",
        ")))",
        "x) R 99 (y",
        "",
        " ",
        "new\nline",
        ") 5 5 5 5 5 5 5 5 5 5 5 5 5 5 5 5 5 5 5 5 5 5"
      })
  void commMayContainSpacesAndParentheses(String comm) throws Exception {
    ProcStat stat = ProcStat.parse(line(4242, comm, 'S', 1, 987654321));

    assertThat(stat.comm()).isEqualTo(comm);
    assertThat(stat.state()).isEqualTo('S');
    assertThat(stat.parentPid()).isEqualTo(1);
    assertThat(stat.startTicks()).isEqualTo(987654321);
  }

  @Test
  void anyCommAndTicksRoundTrip() {
    qt().forAll(
            strings().betweenCodePoints(1, 255).ofLengthBetween(0, 32),
            longs().between(0, Long.MAX_VALUE),
            integers().between(1, 4_194_304))
        .checkAssert(
            (comm, ticks, pid) -> {
              ProcStat stat = parseUnchecked(line(pid, comm, 'Z', 1, ticks));
              assertThat(stat.pid()).isEqualTo(pid.longValue());
              assertThat(stat.comm()).isEqualTo(comm);
              assertThat(stat.startTicks()).isEqualTo(ticks);
              assertThat(stat.terminated()).isTrue();
            });
  }

  @ParameterizedTest
  @ValueSource(chars = {'Z', 'X'})
  void zombieAndDeadAreTerminated(char state) throws Exception {
    assertThat(ProcStat.parse(line(5, "z", state, 1, 1)).terminated()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(chars = {'R', 'S', 'D', 'T', 't', 'I', 'W', 'P'})
  void otherStatesAreNotTerminated(char state) throws Exception {
    assertThat(ProcStat.parse(line(5, "z", state, 1, 1)).terminated()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "garbage",
        "123 cat S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20",
        "123 (cat S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20",
        "123 cat) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20",
        "123 (cat) S 1 2 3",
        "123 (cat)",
        "(cat) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20",
        "0 (cat) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20",
        "-5 (cat) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20",
        "abc (cat) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20",
        "123 (cat) SS 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20",
        "123 (cat) 1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20",
        "123 (cat) S x 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20",
        "123 (cat) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 -19 20",
        "123 (cat) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 abc 20",
        "123 (cat) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 1.5 20",
        "123 (cat) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 99999999999999999999 20",
        "123 (cat) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 9223372036854775808 20",
        "\0\0\0\0\0\0\0\0"
      })
  void malformedLinesAreRejected(String text) {
    // Each case ends with the newline a real line has, so it fails for the reason it shows.
    assertThatThrownBy(() -> ProcStat.parse(text + "\n"))
        .isInstanceOf(MalformedStatException.class);
  }

  @Test
  void aLineWithoutItsNewlineIsRejected() throws Exception {
    String full = line(1, "init", 'S', 0, 5);
    assertThat(ProcStat.parse(full).startTicks()).isEqualTo(5);
    assertThatThrownBy(() -> ProcStat.parse(full.strip()))
        .isInstanceOf(MalformedStatException.class)
        .hasMessageContaining("not a complete line");
  }

  @Test
  void everyTruncationOfARealLineIsRejected() {
    String full = line(20846, "a) b (c", 'S', 20823, 162450);
    for (int length = 0; length < full.length(); length++) {
      String prefix = full.substring(0, length);
      assertThatThrownBy(() -> ProcStat.parse(prefix))
          .as("prefix of length %d", length)
          .isInstanceOf(MalformedStatException.class);
    }
  }

  private static ProcStat parseUnchecked(String text) {
    try {
      return ProcStat.parse(text);
    } catch (MalformedStatException e) {
      throw new AssertionError(e);
    }
  }
}
