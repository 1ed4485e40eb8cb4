package dev.crewrecovery.core.internal.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.StoreIoException;
import dev.crewrecovery.core.ReportSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directory sink of DIAGNOSE reports: durable, named by run and instant, never replacing. */
class DirectoryReportSinkTest {
  private static final RunId R1 = RunId.of("r1");
  private static final Instant AT = Instant.parse("2030-01-01T00:00:00.123Z");

  @TempDir Path tmp;

  private List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writesOneFileNamedByRunAndEpochMillisAndCreatesTheDirectory() throws IOException {
    Path dir = tmp.resolve("reports");
    String where = ReportSink.directory(dir).write(R1, AT, "{\"a\":1}");

    assertThat(where).isEqualTo(dir.resolve("r1-" + AT.toEpochMilli() + ".json").toString());
    assertThat(Files.readString(Path.of(where), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
    assertThat(names(dir)).containsExactly("r1-1893456000123.json");
    if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(where))))
          .isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
          .isEqualTo("rwx------");
    }
  }

  @Test
  void aSecondReportOfTheSameRunAndMillisecondGetsASuffixAndNeverReplacesTheFirst()
      throws IOException {
    ReportSink sink = ReportSink.directory(tmp);
    String first = sink.write(R1, AT, "first");
    String second = sink.write(R1, AT, "second");
    String third = sink.write(R1, AT, "third");

    assertThat(Files.readString(Path.of(first))).isEqualTo("first");
    assertThat(Path.of(second).getFileName().toString()).isEqualTo("r1-1893456000123-1.json");
    assertThat(Files.readString(Path.of(second))).isEqualTo("second");
    assertThat(Path.of(third).getFileName().toString()).isEqualTo("r1-1893456000123-2.json");
    assertThat(names(tmp)).as("no temp file is left").hasSize(3);
  }

  @Test
  void aDirectoryThatCannotBeCreatedIsAStoreIoExceptionNamingTheRun() throws IOException {
    Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
    assertThatThrownBy(() -> ReportSink.directory(file).write(R1, AT, "{}"))
        .isInstanceOf(StoreIoException.class)
        .hasMessageContaining("run r1");
  }

  @Test
  void theNoneSinkStoresNothing() {
    assertThat(ReportSink.none().write(R1, AT, "{}")).isNull();
  }
}
