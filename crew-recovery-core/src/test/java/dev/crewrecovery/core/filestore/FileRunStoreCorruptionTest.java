package dev.crewrecovery.core.filestore;

import static dev.crewrecovery.core.filestore.Runs.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.crewrecovery.api.CorruptStateException;
import dev.crewrecovery.api.RunExistsException;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.StoreIoException;
import dev.crewrecovery.api.UnsupportedSchemaException;
import dev.crewrecovery.api.spi.ActiveRun;
import dev.crewrecovery.api.spi.Update;
import dev.crewrecovery.core.FileRunStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FileRunStoreCorruptionTest {
  private static final RunId ID = RunId.of("r1");
  private static final long CAP = FileRunStore.Options.MIN_MAX_FILE_BYTES;

  @TempDir Path root;

  private FileRunStore open() {
    return FileRunStore.open(root, Runs.options().maxFileBytes(CAP).build());
  }

  private Path runJson() {
    return root.resolve("runs/r1/run.json");
  }

  /** Creates the run and returns the bytes of its valid run.json. */
  private byte[] golden() throws IOException {
    try (FileRunStore store = open()) {
      store.create(Runs.queued("r1", "a", "b"), List.of(event("run.created")));
      store.update(ID, (s, hb) -> Update.commit(Runs.running(s, "a", 2), List.of(event("x"))));
    }
    return Files.readAllBytes(runJson());
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static Stream<Arguments> corruptions() {
    return Stream.of(
        Arguments.of("empty", (UnaryOperator<byte[]>) b -> new byte[0]),
        Arguments.of("truncated", (UnaryOperator<byte[]>) b -> Arrays.copyOf(b, b.length / 2)),
        Arguments.of(
            "truncated by one", (UnaryOperator<byte[]>) b -> Arrays.copyOf(b, b.length - 3)),
        Arguments.of(
            "garbage",
            (UnaryOperator<byte[]>)
                b -> {
                  byte[] g = new byte[b.length];
                  new Random(42).nextBytes(g);
                  return g;
                }),
        Arguments.of("zero-filled", (UnaryOperator<byte[]>) b -> new byte[b.length]),
        Arguments.of("trailing garbage", (UnaryOperator<byte[]>) b -> bytes(text(b) + "xyz")),
        Arguments.of("second object", (UnaryOperator<byte[]>) b -> bytes(text(b) + text(b))),
        Arguments.of("an array", (UnaryOperator<byte[]>) b -> bytes("[" + text(b) + "]")),
        Arguments.of(
            "version as a string",
            (UnaryOperator<byte[]>)
                b -> bytes(text(b).replace("\"version\" : 2", "\"version\" : \"2\""))),
        Arguments.of(
            "status as a number",
            (UnaryOperator<byte[]>)
                b -> bytes(text(b).replaceFirst("\"status\" : \"RUNNING\"", "\"status\" : 3"))),
        Arguments.of(
            "unknown status",
            (UnaryOperator<byte[]>)
                b ->
                    bytes(
                        text(b)
                            .replaceFirst("\"status\" : \"RUNNING\"", "\"status\" : \"JOGGING\""))),
        Arguments.of(
            "unknown field",
            (UnaryOperator<byte[]>)
                b -> bytes(text(b).replace("\"lastSeq\"", "\"extra\" : 1, \"lastSeq\""))),
        Arguments.of(
            "duplicate field",
            (UnaryOperator<byte[]>)
                b -> bytes(text(b).replace("\"lastSeq\"", "\"version\" : 2, \"lastSeq\""))),
        Arguments.of(
            "epoch 0 (fails the API constructor)",
            (UnaryOperator<byte[]>) b -> bytes(text(b).replace("\"epoch\" : 1", "\"epoch\" : 0"))),
        Arguments.of(
            "invalid task id",
            (UnaryOperator<byte[]>)
                b -> bytes(text(b).replace("\"id\" : \"b\"", "\"id\" : \"../b\""))),
        Arguments.of(
            "run id of another directory",
            (UnaryOperator<byte[]>) b -> bytes(text(b).replace("\"r1\"", "\"r2\""))),
        Arguments.of(
            "missing schemaVersion",
            (UnaryOperator<byte[]>) b -> bytes(text(b).replace("\"schemaVersion\" : 1,", ""))),
        Arguments.of(
            "negative schemaVersion",
            (UnaryOperator<byte[]>)
                b -> bytes(text(b).replace("\"schemaVersion\" : 1", "\"schemaVersion\" : -1"))),
        Arguments.of(
            "zero schemaVersion",
            (UnaryOperator<byte[]>)
                b -> bytes(text(b).replace("\"schemaVersion\" : 1", "\"schemaVersion\" : 0"))),
        Arguments.of(
            "fractional schemaVersion",
            (UnaryOperator<byte[]>)
                b -> bytes(text(b).replace("\"schemaVersion\" : 1", "\"schemaVersion\" : 1.5"))),
        Arguments.of(
            "string schemaVersion",
            (UnaryOperator<byte[]>)
                b -> bytes(text(b).replace("\"schemaVersion\" : 1", "\"schemaVersion\" : \"1\""))),
        Arguments.of(
            "over the size cap",
            (UnaryOperator<byte[]>) b -> bytes(text(b).replace("{", "{" + " ".repeat((int) CAP)))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corruptions")
  void corruptSnapshotIsQuarantinedAndReported(String name, UnaryOperator<byte[]> damage)
      throws Exception {
    byte[] bad = damage.apply(golden());
    Files.write(runJson(), bad);
    try (FileRunStore store = open()) {
      assertThatThrownBy(() -> store.load(ID))
          .isInstanceOfSatisfying(
              CorruptStateException.class,
              e -> {
                assertThat(e).isNotInstanceOf(UnsupportedSchemaException.class);
                assertThat(e.location())
                    .isEqualTo(store.root().resolve("runs/r1/run.json").toString());
                assertThat(e.getMessage()).contains("run.json");
                assertThat(e.quarantinedTo()).isNotNull();
                Path moved = Path.of(e.quarantinedTo());
                assertThat(moved.getParent()).isEqualTo(store.root().resolve("quarantine"));
                assertThat(moved.getFileName().toString())
                    .startsWith("r1.run.json.")
                    .matches(".*\\d{8}T\\d{6}.*Z.*");
                try {
                  assertThat(Files.readAllBytes(moved)).isEqualTo(bad); // nothing lost
                } catch (IOException io) {
                  throw new AssertionError(io);
                }
              });
      assertThat(runJson()).doesNotExist();
      assertThat(store.stats().quarantinedFiles()).isEqualTo(1);
      // Still reported, never silently dropped.
      assertThatThrownBy(() -> store.load(ID)).isInstanceOf(CorruptStateException.class);
      assertThatThrownBy(() -> store.update(ID, (s, hb) -> Update.unchanged()))
          .isInstanceOf(CorruptStateException.class);
      assertThat(store.activeRuns())
          .containsExactly(new ActiveRun(ID, ActiveRun.State.ORPHANED_MARKER));
      assertThatThrownBy(() -> store.create(Runs.queued("r1", "a"), List.of()))
          .isInstanceOf(RunExistsException.class);
      assertThat(store.allRuns()).containsExactly(ID);
    }
    // and the orphaned marker survives a reopen
    try (FileRunStore store = open()) {
      assertThat(store.activeRuns())
          .containsExactly(new ActiveRun(ID, ActiveRun.State.ORPHANED_MARKER));
      try (var files = Files.list(root.resolve("quarantine"))) {
        assertThat(files.count()).isEqualTo(1);
      }
    }
  }

  @Test
  void corruptSnapshotFoundByUpdateIsQuarantinedToo() throws Exception {
    byte[] bad = Arrays.copyOf(golden(), 10);
    Files.write(runJson(), bad);
    try (FileRunStore store = open()) {
      assertThatThrownBy(() -> store.update(ID, (s, hb) -> Update.unchanged()))
          .isInstanceOfSatisfying(
              CorruptStateException.class, e -> assertThat(e.quarantinedTo()).isNotNull());
      assertThat(runJson()).doesNotExist();
    }
  }

  @Test
  void newerSchemaIsLeftInPlaceAndNeverOverwritten() throws Exception {
    byte[] newer =
        bytes(
            text(golden())
                .replace("\"schemaVersion\" : 1", "\"schemaVersion\" : 2")
                .replace("\"lastSeq\"", "\"fieldOfVersion2\" : true, \"lastSeq\""));
    Files.write(runJson(), newer);
    try (FileRunStore store = open()) {
      assertThatThrownBy(() -> store.load(ID))
          .isInstanceOfSatisfying(
              UnsupportedSchemaException.class,
              e -> {
                assertThat(e.found()).isEqualTo(2);
                assertThat(e.supported()).isEqualTo(1);
                assertThat(e.quarantinedTo()).isNull();
                assertThat(e.location()).endsWith("run.json");
              });
      assertThatThrownBy(() -> store.update(ID, (s, hb) -> Runs.increment(s)))
          .isInstanceOf(UnsupportedSchemaException.class);
      assertThatThrownBy(() -> store.appendEvents(ID, List.of(event("x"))))
          .isInstanceOf(UnsupportedSchemaException.class);
      assertThatThrownBy(() -> store.create(Runs.queued("r1", "a"), List.of()))
          .isInstanceOf(RunExistsException.class);
      assertThat(store.stats().quarantinedFiles()).isZero();
    }
    assertThat(Files.readAllBytes(runJson())).isEqualTo(newer);
    try (var files = Files.list(root.resolve("quarantine"))) {
      assertThat(files.count()).isZero();
    }
  }

  @Test
  void transientIoErrorNeverQuarantines() throws Exception {
    golden();
    // A directory where run.json should be: reading fails with an I/O error, not bad content.
    Path saved = root.resolve("saved.json");
    Files.move(runJson(), saved);
    Files.createDirectory(runJson());
    try (FileRunStore store = open()) {
      assertThatThrownBy(() -> store.load(ID)).isInstanceOf(StoreIoException.class);
      assertThatThrownBy(() -> store.update(ID, (s, hb) -> Update.unchanged()))
          .isInstanceOf(StoreIoException.class);
      assertThat(runJson()).isDirectory();
      assertThat(store.stats().quarantinedFiles()).isZero();
      try (var files = Files.list(root.resolve("quarantine"))) {
        assertThat(files.count()).isZero();
      }
      // once the fault is gone the run reads fine
      Files.delete(runJson());
      Files.move(saved, runJson());
      assertThat(store.load(ID)).isPresent();
    }
  }

  @Test
  void unreadableFileIsATransientError() throws Exception {
    golden();
    Files.setPosixFilePermissions(runJson(), PosixFilePermissions.fromString("---------"));
    try {
      assumeThat(Files.isReadable(runJson()))
          .as("permissions do not bite when the tests run as root")
          .isFalse();
      try (FileRunStore store = open()) {
        assertThatThrownBy(() -> store.load(ID)).isInstanceOf(StoreIoException.class);
        assertThat(store.stats().quarantinedFiles()).isZero();
      }
      assertThat(runJson()).exists();
    } finally {
      Files.setPosixFilePermissions(runJson(), PosixFilePermissions.fromString("rw-------"));
    }
  }
}
