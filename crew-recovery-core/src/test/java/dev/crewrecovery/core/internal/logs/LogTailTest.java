package dev.crewrecovery.core.internal.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crewrecovery.core.RecoveryConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LogTailTest {
  private static final Pattern DEFAULT = RecoveryConfig.DEFAULT_LOG_REDACTION;

  @TempDir Path dir;

  private Path log(String content) throws IOException {
    Path p = dir.resolve("worker.log");
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }

  private static String lines(int from, int to) {
    return IntStream.rangeClosed(from, to)
        .mapToObj(i -> String.format("line %05d of the worker", i))
        .collect(Collectors.joining("\n", "", "\n"));
  }

  @Test
  void keepsTheLastTwentyLinesWithoutTheTrailingNewline() throws IOException {
    String tail = LogTail.read(log(lines(1, 100)).toString(), DEFAULT);

    assertThat(tail).isNotNull();
    List<String> got = List.of(tail.split("\n"));
    assertThat(got).hasSize(LogTail.MAX_LINES);
    assertThat(got.get(0)).isEqualTo("line 00081 of the worker");
    assertThat(got.get(19)).isEqualTo("line 00100 of the worker");
  }

  @Test
  void aShortLogIsReturnedWhole() throws IOException {
    assertThat(LogTail.read(log("one\ntwo").toString(), DEFAULT)).isEqualTo("one\ntwo");
  }

  @Test
  void aLargeLogIsReadFromItsEndOnlyAndCutAtALineBoundary() throws IOException {
    // 4 MiB of long lines: only the last 4 KiB are read, so the first kept line is whole.
    StringBuilder sb = new StringBuilder();
    for (int i = 0; sb.length() < 4 << 20; i++) {
      sb.append(String.format("%07d ", i)).append("x".repeat(600)).append('\n');
    }
    String tail = LogTail.read(log(sb.toString()).toString(), DEFAULT);

    assertThat(tail).isNotNull();
    assertThat(tail.length()).isLessThanOrEqualTo(LogTail.MAX_BYTES);
    for (String line : tail.split("\n")) {
      assertThat(line).matches("\\d{7} x{600}");
    }
    assertThat(sb.toString().strip()).endsWith(tail);
  }

  @Test
  void aSingleHugeLineKeepsItsEnd() throws IOException {
    String tail = LogTail.read(log("a".repeat(10_000) + "END").toString(), DEFAULT);

    assertThat(tail).hasSizeLessThanOrEqualTo(LogTail.MAX_BYTES).endsWith("END");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "password=hunter2xyz",
        "DB_PASSWORD=hunter2xyz done",
        "token: hunter2xyz",
        "api_key=hunter2xyz&x=1",
        "apiKey = 'hunter2xyz'",
        "{\"client_secret\": \"hunter2xyz\"}",
        "Authorization: Bearer hunter2xyz.abc",
        "curl -H 'authorization: bearer hunter2xyz'",
        "using AKIAHUNTER2XYZ123456 for s3",
        "secret=hunter2xyz; token=hunter2xyz",
      })
  void theDefaultPatternRedactsSecretsAndKeepsTheirKeys(String line) throws IOException {
    String tail = LogTail.read(log("start\n" + line + "\nend\n").toString(), DEFAULT);

    assertThat(tail).doesNotContain("hunter2xyz").doesNotContain("HUNTER2XYZ");
    assertThat(tail).contains(LogTail.REDACTED).startsWith("start\n").endsWith("\nend");
  }

  @Test
  void ordinaryTextIsLeftAlone() {
    String line = "processed 42 tokens in 3 s; secrets are redacted elsewhere";
    assertThat(LogTail.redact(line, DEFAULT)).isEqualTo(line);
  }

  @Test
  void theKeyOfAPairIsKeptForTheReader() {
    assertThat(LogTail.redact("login password=hunter2 ok", DEFAULT))
        .isEqualTo("login password=<redacted> ok");
  }

  @Test
  void theRedactionPatternIsConfigurable() throws IOException {
    Pattern ssn = Pattern.compile("(ssn=)\\d+");
    String tail = LogTail.read(log("user ssn=123456 password=abc").toString(), ssn);

    assertThat(tail).isEqualTo("user ssn=<redacted> password=abc");
  }

  @Test
  void controlCharactersArePrintedAsQuestionMarks() {
    assertThat(LogTail.tail("\u001b[31mred\u001b[0m\tx\r\n", DEFAULT)).isEqualTo("?[31mred?[0m\tx");
  }

  @Test
  void onlyAnAbsoluteRegularFileReachedWithoutASymlinkIsRead() throws IOException {
    Path real = log("secret stuff\n");
    Path link = Files.createSymbolicLink(dir.resolve("link.log"), real);

    assertThat(LogTail.read(real.toString(), DEFAULT)).isNotNull();
    assertThat(LogTail.read(link.toString(), DEFAULT)).isNull();
    assertThat(LogTail.read("worker.log", DEFAULT)).isNull();
    assertThat(LogTail.read(dir.toString(), DEFAULT)).isNull();
    assertThat(LogTail.read(dir.resolve("missing.log").toString(), DEFAULT)).isNull();
    assertThat(LogTail.read(log("").toString(), DEFAULT)).isNull();
    assertThat(LogTail.read(null, DEFAULT)).isNull();
    assertThat(Files.exists(dir.resolve("missing.log"))).as("never created").isFalse();
  }
}
