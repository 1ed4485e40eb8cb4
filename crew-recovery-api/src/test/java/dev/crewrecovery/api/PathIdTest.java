package dev.crewrecovery.api;

import static dev.crewrecovery.api.Fixtures.ALNUM;
import static dev.crewrecovery.api.Fixtures.ALPHABET;
import static dev.crewrecovery.api.Fixtures.ID_KINDS;
import static dev.crewrecovery.api.Fixtures.RULE_PATTERN;
import static dev.crewrecovery.api.Fixtures.escaped;
import static dev.crewrecovery.api.Fixtures.isPrintableAscii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import dev.crewrecovery.api.Fixtures.IdKind;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The path-id rule shared by RunId, TaskId, SessionId, DeliveryId and DeadletterId: {@code
 * [A-Za-z0-9][A-Za-z0-9._-]{0,127}} and no {@code ..}.
 */
class PathIdTest {

  /** An oracle written independently of the production check. */
  private static final Pattern ORACLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private static boolean oracleAccepts(String s) {
    return ORACLE.matcher(s).matches() && !s.contains("..");
  }

  static Stream<Named<String>> invalidValues() {
    return Stream.of(
        Named.of("empty", ""),
        Named.of("129 characters", "a".repeat(129)),
        Named.of("129 characters over the whole alphabet", (ALPHABET + ALPHABET).substring(0, 129)),
        Named.of("dot dot", ".."),
        Named.of("single dot", "."),
        Named.of("a..b", "a..b"),
        Named.of("trailing dot dot", "a.."),
        Named.of("three dots inside", "a...b"),
        Named.of("a/../b", "a/../b"),
        Named.of("slash", "a/b"),
        Named.of("absolute path", "/abs"),
        Named.of("drive letter", "C:\\x"),
        Named.of("backslash", "a\\b"),
        Named.of("NUL", "a\u0000b"),
        Named.of("leading NUL", "\u0000a"),
        Named.of("newline", "a\nb"),
        Named.of("trailing newline", "ab\n"),
        Named.of("carriage return", "a\rb"),
        Named.of("tab", "a\tb"),
        Named.of("DEL 0x7f", "a\u007fb"),
        Named.of("ESC 0x1b", "a\u001b[31mb"),
        Named.of("bell 0x07", "a\u0007"),
        Named.of("C1 control 0x85", "a\u0085b"),
        Named.of("right-to-left override", "a\u202Eb"),
        Named.of("leading right-to-left override", "\u202Eab"),
        Named.of("Cyrillic lookalike", "\u0440\u0430n"),
        Named.of("Cyrillic a inside", "c\u0430t"),
        Named.of("Greek omicron", "f\u03bfo"),
        Named.of("full-width digit", "\uFF11"),
        Named.of("non-breaking space", "a\u00a0b"),
        Named.of("zero-width space", "a\u200bb"),
        Named.of("byte order mark", "\uFEFFa"),
        Named.of("accented letter", "caf\u00e9"),
        Named.of("combining accent", "e\u0301"),
        Named.of("emoji (surrogate pair)", "a\uD83D\uDE00"),
        Named.of("lone surrogate", "a\uD800"),
        Named.of("leading dot", ".a"),
        Named.of("leading dash", "-a"),
        Named.of("leading underscore", "_a"),
        Named.of("space inside", "a b"),
        Named.of("leading space", " a"),
        Named.of("trailing space", "a "),
        Named.of("colon", "a:b"),
        Named.of("attempt text form", "run:task:1"),
        Named.of("quote", "a\"b"),
        Named.of("at sign", "a@b"),
        Named.of("percent-encoded dot", "%2e%2e"),
        Named.of("asterisk", "a*"),
        Named.of("tilde home", "~a"));
  }

  static Stream<Arguments> kindsAndInvalidValues() {
    return ID_KINDS.stream().flatMap(k -> invalidValues().map(v -> Arguments.of(k, v)));
  }

  @ParameterizedTest(name = "{0} rejects {1}")
  @MethodSource("kindsAndInvalidValues")
  void rejectsInvalidValueNamingKindRuleAndEscapedValue(IdKind kind, String value) {
    assertThat(oracleAccepts(value)).as("the test's own oracle").isFalse();
    for (Function<String, Object> create : List.of(kind.constructor(), kind.factory())) {
      assertThatThrownBy(() -> create.apply(value))
          .isInstanceOfSatisfying(
              InvalidIdException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(kind.name());
                assertThat(e.rejectedValue()).isEqualTo(value);
                assertThat(e.getMessage())
                    .contains(kind.name())
                    .contains(RULE_PATTERN)
                    .contains("\"..\"")
                    .contains("\"" + escaped(value) + "\"");
                assertThat(isPrintableAscii(e.getMessage()))
                    .as("message is printable ASCII: %s", e.getMessage())
                    .isTrue();
              });
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.crewrecovery.api.Fixtures#idKinds")
  void rejectsNullAsInvalidId(IdKind kind) {
    assertThatThrownBy(() -> kind.constructor().apply(null))
        .isInstanceOfSatisfying(
            InvalidIdException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(kind.name());
              assertThat(e.getMessage()).contains("null").contains(RULE_PATTERN);
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.crewrecovery.api.Fixtures#idKinds")
  void acceptsExactly128Characters(IdKind kind) {
    String longest = (ALPHABET + ALPHABET).substring(0, 128);
    assertThat(longest).doesNotContain("..").hasSize(128);
    assertThat(kind.constructor().apply(longest).toString()).isEqualTo(longest);
    assertThat(kind.constructor().apply("a".repeat(128)).toString()).hasSize(128);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.crewrecovery.api.Fixtures#idKinds")
  void acceptsEveryAllowedCharacterInEveryAllowedPosition(IdKind kind) {
    List<String> accepted = new ArrayList<>();
    for (char c : ALNUM.toCharArray()) {
      accepted.add(String.valueOf(c)); // first and only
    }
    for (char c : ALPHABET.toCharArray()) {
      accepted.add("a" + c); // last
      accepted.add("a" + c + "b"); // middle
      accepted.add("0" + c + c + "9".repeat(125)); // repeated, at full length where c != '.'
    }
    accepted.add(ALPHABET); // the whole alphabet in one id
    accepted.add("a.b.c-d_e");
    accepted.add("a._.-.b");
    SoftAssertions softly = new SoftAssertions();
    for (String value : accepted) {
      if (value.contains("..")) {
        continue; // "0..999..." is the one generated value the rule rejects; covered elsewhere
      }
      softly
          .assertThatCode(
              () -> {
                Object id = kind.constructor().apply(value);
                assertThat(id.toString()).isEqualTo(value);
                assertThat(kind.factory().apply(value)).isEqualTo(id).hasSameHashCodeAs(id);
              })
          .as("%s accepts \"%s\"", kind, value)
          .doesNotThrowAnyException();
    }
    softly.assertAll();
  }

  /**
   * Ranges scanned exhaustively: Latin-1 and Latin Extended (lookalikes of the alphabet), Greek and
   * Cyrillic (homoglyphs), the general punctuation block (zero-width and bidi controls), the
   * surrogate boundaries, and the specials and full-width forms. The property tests sample the rest
   * of Unicode.
   */
  private static final int[][] SCANNED_RANGES = {
    {0x0000, 0x024F},
    {0x0370, 0x04FF},
    {0x2000, 0x206F},
    {0xD7FF, 0xD801},
    {0xDBFF, 0xDC01},
    {0xDFFF, 0xE000},
    {0xFE00, 0xFFFF}
  };

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.crewrecovery.api.Fixtures#idKinds")
  void rejectsEveryOtherCharacterOfTheScannedRangesFirstAndInside(IdKind kind) {
    SoftAssertions softly = new SoftAssertions();
    int scanned = 0;
    for (int[] range : SCANNED_RANGES) {
      for (int c = range[0]; c <= range[1]; c++) {
        if (ALPHABET.indexOf(c) >= 0) {
          continue;
        }
        scanned++;
        String ch = String.valueOf((char) c);
        for (String value : List.of(ch + "a", "a" + ch)) {
          try {
            kind.constructor().apply(value);
            softly.fail("%s accepted \"%s\"", kind, escaped(value));
          } catch (InvalidIdException e) {
            if (!isPrintableAscii(e.getMessage())) {
              softly.fail("unsafe message for U+%04X: %s", c, e.getMessage());
            }
          }
        }
      }
    }
    assertThat(scanned).isGreaterThan(1500);
    // The punctuation of the alphabet may not lead either.
    for (char c : "._-".toCharArray()) {
      softly
          .assertThatThrownBy(() -> kind.constructor().apply(c + "a"))
          .isInstanceOf(InvalidIdException.class);
    }
    softly.assertAll();
  }

  @Test
  void idsCompareByTheirText() {
    List<String> texts = List.of("b", "B", "a-1", "a.1", "a1", "A", "0", "a_1");
    List<String> sortedTexts = texts.stream().sorted().collect(Collectors.toList());
    assertThat(texts.stream().map(RunId::of).sorted().map(RunId::value))
        .containsExactlyElementsOf(sortedTexts);
    assertThat(texts.stream().map(TaskId::of).sorted().map(TaskId::value))
        .containsExactlyElementsOf(sortedTexts);
    assertThat(texts.stream().map(SessionId::of).sorted().map(SessionId::value))
        .containsExactlyElementsOf(sortedTexts);
    assertThat(texts.stream().map(DeliveryId::of).sorted().map(DeliveryId::value))
        .containsExactlyElementsOf(sortedTexts);
    assertThat(texts.stream().map(DeadletterId::of).sorted().map(DeadletterId::value))
        .containsExactlyElementsOf(sortedTexts);
  }

  @Test
  void idsOfDifferentKindsWithTheSameTextAreNotEqual() {
    assertThat((Object) RunId.of("x")).isNotEqualTo(TaskId.of("x"));
    assertThat((Object) SessionId.of("x")).isNotEqualTo(DeliveryId.of("x"));
  }

  // ---- properties ----

  /** Valid ids: a letter or digit, then up to 127 alphabet characters with no "..". */
  static Gen<String> validIds() {
    Gen<Character> first = Generate.pick(chars(ALNUM));
    Gen<Character> rest =
        Generate.frequency(
            org.quicktheories.api.Pair.of(3, Generate.pick(chars(ALNUM))),
            org.quicktheories.api.Pair.of(1, Generate.pick(chars("._-"))));
    Gen<Integer> restLength =
        Generate.frequency(
            org.quicktheories.api.Pair.of(4, integers().between(0, 16)),
            org.quicktheories.api.Pair.of(2, integers().between(0, 127)),
            org.quicktheories.api.Pair.of(1, Generate.constant(127)));
    return first.zip(
        lists().of(rest).ofSizes(restLength),
        (f, r) -> {
          StringBuilder sb = new StringBuilder().append(f);
          r.forEach(sb::append);
          // Breaks up ".." without changing the length or the alphabet.
          return sb.toString().replace("..", ".-");
        });
  }

  /** A character (one or two chars) that is not in the alphabet, biased towards ASCII. */
  static Gen<String> foreignCharacters() {
    Gen<Integer> ascii = integers().between(0, 0x7f);
    Gen<Integer> bmp = integers().between(0x80, 0xFFFF);
    Gen<Integer> any = integers().between(0x10000, 0x10FFFF);
    return Generate.frequency(
            org.quicktheories.api.Pair.of(4, ascii),
            org.quicktheories.api.Pair.of(3, bmp),
            org.quicktheories.api.Pair.of(1, any))
        .assuming(cp -> ALPHABET.indexOf(cp) < 0)
        .map(cp -> new String(Character.toChars(cp)));
  }

  @Test
  void propertyEveryIdOverTheAlphabetThatFollowsTheRuleIsAcceptedAndRoundTrips() {
    qt().forAll(Generate.pick(ID_KINDS), validIds())
        .checkAssert(
            (kind, value) -> {
              assertThat(oracleAccepts(value)).as("generator yields only valid ids").isTrue();
              Object id = kind.constructor().apply(value);
              assertThat(id.toString()).isEqualTo(value);
              assertThat(kind.factory().apply(id.toString())).isEqualTo(id);
            });
  }

  @Test
  void propertyAnyCharacterOutsideTheAlphabetIsRejected() {
    qt().forAll(
            Generate.pick(ID_KINDS),
            validIds().map(s -> s.length() > 126 ? s.substring(0, 126) : s),
            foreignCharacters(),
            integers().between(0, 126))
        .checkAssert(
            (kind, valid, foreign, pos) -> {
              int at = Math.min(pos, valid.length());
              String value = valid.substring(0, at) + foreign + valid.substring(at);
              assertThatThrownBy(() -> kind.constructor().apply(value))
                  .isInstanceOfSatisfying(
                      InvalidIdException.class,
                      e -> {
                        assertThat(e.kind()).isEqualTo(kind.name());
                        assertThat(e.rejectedValue()).isEqualTo(value);
                        assertThat(isPrintableAscii(e.getMessage())).isTrue();
                        assertThat(e.getMessage()).contains("\"" + escaped(value) + "\"");
                      });
            });
  }

  @Test
  void propertyAcceptedExactlyWhenTheOracleAccepts() {
    Gen<String> asciiStrings =
        Generate.oneOf(
            strings().ascii().ofLengthBetween(0, 4),
            strings().betweenCodePoints('-', 'z').ofLengthBetween(0, 8),
            strings().betweenCodePoints('-', 'z').ofLengthBetween(120, 132));
    qt().forAll(Generate.pick(ID_KINDS), asciiStrings)
        .checkAssert(
            (kind, value) -> {
              boolean accepted;
              try {
                kind.constructor().apply(value);
                accepted = true;
              } catch (InvalidIdException e) {
                accepted = false;
              }
              assertThat(accepted).as("\"%s\"", escaped(value)).isEqualTo(oracleAccepts(value));
            });
  }

  private static List<Character> chars(String s) {
    return s.chars().mapToObj(c -> (char) c).collect(Collectors.toList());
  }
}
