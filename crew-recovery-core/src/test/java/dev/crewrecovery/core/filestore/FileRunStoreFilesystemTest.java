package dev.crewrecovery.core.filestore;

import static dev.crewrecovery.core.filestore.Runs.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.crewrecovery.api.CorruptStateException;
import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.DeliveryKind;
import dev.crewrecovery.api.InvalidIdException;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.spi.Update;
import dev.crewrecovery.core.FileRunStore;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRunStoreFilesystemTest {
  @TempDir Path tmp;

  @Test
  void directoriesAre0700AndFiles0600() throws Exception {
    assumeThat(tmp.getFileSystem().supportedFileAttributeViews()).contains("posix");
    Path root = tmp.resolve("store");
    try (FileRunStore store = Runs.open(root)) {
      store.create(Runs.queued("r1", "a"), List.of(event("run.created")));
      store.update(RunId.of("r1"), (s, hb) -> Update.commit(Runs.running(s, "a", 1), List.of()));
      store.recordHeartbeat(
          dev.crewrecovery.api.AttemptId.of(RunId.of("r1"), dev.crewrecovery.api.TaskId.of("a"), 1),
          Runs.T0);
      store.acquireLease(SessionId.of("s1"), Runs.T0);
      store.appendDeadletter(
          dev.crewrecovery.api.DeadletterEntry.forRun(
              RunId.of("r1"), 1, dev.crewrecovery.api.DeadletterReason.MANUAL, null, Runs.T0));
      store.enqueueDelivery(
          new Delivery(
              DeliveryId.of("d1"), DeliveryKind.RESULT, RunId.of("r1"), null, "p", Runs.T0, 0, 0));
      store.enqueueDelivery(
          new Delivery(
              DeliveryId.of("d2"), DeliveryKind.RESULT, RunId.of("r1"), null, "p", Runs.T0, 0, 0));
      store.markDelivered(DeliveryId.of("d1"), Runs.T0);
    }
    List<String> wrong = new ArrayList<>();
    int[] files = {0};
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(dir));
            if (!mode.equals("rwx------")) {
              wrong.add(dir + " " + mode);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            files[0]++;
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
            if (!mode.equals("rw-------")) {
              wrong.add(file + " " + mode);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    assertThat(wrong).isEmpty();
    assertThat(files[0]).isGreaterThanOrEqualTo(12);
  }

  @Test
  void symlinkedRunDirectoryIsRefused() throws Exception {
    Path root = tmp.resolve("store");
    Path elsewhere = tmp.resolve("elsewhere");
    try (FileRunStore store = Runs.open(root)) {
      store.create(Runs.queued("r1", "a"), List.of());
    }
    // Move the run out of the store and link it back in.
    Files.move(root.resolve("runs/r1"), elsewhere);
    Files.createSymbolicLink(root.resolve("runs/r1"), elsewhere);
    byte[] before = Files.readAllBytes(elsewhere.resolve("run.json"));
    List<String> listing;
    try (Stream<Path> s = Files.list(elsewhere)) {
      listing = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    try (FileRunStore store = Runs.open(root)) {
      assertThatThrownBy(() -> store.load(RunId.of("r1")))
          .isInstanceOfSatisfying(
              CorruptStateException.class,
              e -> {
                assertThat(e.getMessage()).contains("symbolic link");
                assertThat(e.quarantinedTo()).isNull();
              });
      assertThatThrownBy(() -> store.update(RunId.of("r1"), (s, hb) -> Runs.increment(s)))
          .isInstanceOf(CorruptStateException.class);
      assertThatThrownBy(() -> store.create(Runs.queued("r1", "a"), List.of()))
          .isInstanceOf(CorruptStateException.class);
      assertThat(
              store.recordHeartbeat(
                  dev.crewrecovery.api.AttemptId.of(
                      RunId.of("r1"), dev.crewrecovery.api.TaskId.of("a"), 1),
                  Runs.T0))
          .isEqualTo(dev.crewrecovery.api.spi.HeartbeatOutcome.DROPPED_UNKNOWN);
    }
    assertThat(Files.isSymbolicLink(root.resolve("runs/r1"))).isTrue();
    assertThat(Files.readAllBytes(elsewhere.resolve("run.json"))).isEqualTo(before);
    try (Stream<Path> s = Files.list(elsewhere)) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).isEqualTo(listing);
    }
  }

  @Test
  void symlinkedLayoutDirectoryIsRefusedAtOpen() throws Exception {
    Path root = tmp.resolve("store");
    Files.createDirectories(root);
    Files.createDirectories(tmp.resolve("other"));
    Files.createSymbolicLink(root.resolve("runs"), tmp.resolve("other"));
    assertThatThrownBy(() -> Runs.open(root)).isInstanceOf(CorruptStateException.class);
  }

  @Test
  void aSymlinkedRootIsResolvedAndUsed() throws Exception {
    Path real = Files.createDirectories(tmp.resolve("real"));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
    try (FileRunStore store = Runs.open(link)) {
      store.create(Runs.queued("r1", "a"), List.of());
      assertThat(store.root()).isEqualTo(real.toRealPath());
    }
    assertThat(real.resolve("runs/r1/run.json")).exists();
  }

  @Test
  void hostileIdsNeverReachTheFileSystem() {
    for (String bad :
        List.of("..", "../x", "a/b", "/abs", ".hidden", "a\u0000b", "", "a..b", "x".repeat(129))) {
      assertThatThrownBy(() -> RunId.of(bad)).isInstanceOf(InvalidIdException.class);
      assertThatThrownBy(() -> SessionId.of(bad)).isInstanceOf(InvalidIdException.class);
      assertThatThrownBy(() -> DeliveryId.of(bad)).isInstanceOf(InvalidIdException.class);
    }
  }

  @Test
  void markerNamesThatAreNotIdsAreIgnored() throws Exception {
    Path root = tmp.resolve("store");
    try (FileRunStore store = Runs.open(root)) {
      store.create(Runs.queued("r1", "a"), List.of());
    }
    Files.createFile(root.resolve("active/not an id"));
    try (FileRunStore store = Runs.open(root)) {
      assertThat(store.activeRuns()).extracting(r -> r.runId().value()).containsExactly("r1");
    }
    assertThat(Files.exists(root.resolve("active/not an id"), LinkOption.NOFOLLOW_LINKS)).isTrue();
  }

  @Test
  void idsAtTheEdgeOfTheRuleStayInsideTheStoreRoot() throws Exception {
    // A sibling of the root that an escaping path would land in, and the root itself.
    Path sibling = Files.createDirectories(tmp.resolve("sibling"));
    Path root = tmp.resolve("store");
    List<String> ids =
        List.of("x".repeat(128), "a.", "a_-.b", "A9", "0", "a.b.c", "Z-_.z", "a-".repeat(64));
    try (FileRunStore store = Runs.open(root)) {
      for (String id : ids) {
        store.create(Runs.queued(id, "t"), List.of(event("run.created")));
        store.update(RunId.of(id), (s, hb) -> Runs.increment(s));
        store.acquireLease(SessionId.of(id), Runs.T0);
        store.enqueueDelivery(
            new Delivery(
                DeliveryId.of(id), DeliveryKind.RESULT, RunId.of(id), null, "p", Runs.T0, 0, 0));
        assertThat(store.load(RunId.of(id))).isPresent();
      }
      // attempt ids are values, never paths: one that names a hostile run is refused at parse
      assertThatThrownBy(() -> dev.crewrecovery.api.AttemptId.parse("../x:t:1"))
          .isInstanceOf(InvalidIdException.class);
    }
    List<Path> outside = new ArrayList<>();
    try (Stream<Path> all = Files.walk(tmp)) {
      all.filter(p -> !p.startsWith(root) && !p.equals(tmp) && !p.equals(sibling))
          .forEach(outside::add);
    }
    assertThat(outside).as("files created outside the store root").isEmpty();
    try (Stream<Path> runs = Files.list(root.resolve("runs"))) {
      assertThat(runs.map(r -> r.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(ids);
    }
  }
}
