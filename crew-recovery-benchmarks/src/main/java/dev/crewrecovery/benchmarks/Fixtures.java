package dev.crewrecovery.benchmarks;

import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.core.FileRunStore;
import dev.crewrecovery.testkit.Snapshots;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Builders of benchmark fixtures: snapshots, file stores in temporary directories. */
final class Fixtures {

  /** The directory under which stores are made: {@code -Dbench.dir}, else the temp directory. */
  static final String DIR_PROPERTY = "bench.dir";

  private Fixtures() {}

  /** Returns a new empty directory on the benchmark disk. */
  static Path newDirectory(String prefix) {
    try {
      String base = System.getProperty(DIR_PROPERTY);
      return base == null
          ? Files.createTempDirectory(prefix)
          : Files.createTempDirectory(Files.createDirectories(Path.of(base)), prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes a directory tree; missing files are ignored. */
  static void deleteTree(@Nullable Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, @Nullable IOException e)
                throws IOException {
              Files.deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes {@code count - 1} copies of the finished run {@code template} that the store wrote under
   * {@code root}: for {@code i} in {@code 1 .. count-1}, directory {@code runs/<prefix><i>} with
   * every file of the template, its text with the template id replaced by the new id (run ids also
   * appear inside attempt ids), with the store's permissions (0700 directories, 0600 files). A
   * finished run has no active marker and no outbox, so the files of its directory are all of it.
   * Byte for byte what the store would write, about a hundred times faster than {@code create}.
   */
  static void replicateRun(Path root, String template, String prefix, int count) {
    Path runs = root.resolve("runs");
    Path source = runs.resolve(template);
    try {
      List<Path> files;
      try (java.util.stream.Stream<Path> s = Files.list(source)) {
        files = s.filter(Files::isRegularFile).toList();
      }
      List<String> names = new java.util.ArrayList<>();
      List<byte[]> contents = new java.util.ArrayList<>();
      for (Path f : files) {
        names.add(f.getFileName().toString());
        contents.add(Files.readAllBytes(f));
      }
      java.nio.file.attribute.FileAttribute<?> dirMode =
          java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
              java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
      java.nio.file.attribute.FileAttribute<?> fileMode =
          java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
              java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      for (int i = 1; i < count; i++) {
        String id = prefix + i;
        Path dir = Files.createDirectory(runs.resolve(id), dirMode);
        for (int k = 0; k < names.size(); k++) {
          byte[] bytes = contents.get(k);
          if (names.get(k).endsWith(".json") || names.get(k).endsWith(".jsonl")) {
            bytes =
                new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                    .replace("\"" + template, "\"" + id)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
          }
          Path f = Files.createFile(dir.resolve(names.get(k)), fileMode);
          Files.write(f, bytes);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A file store with the default (durable) options. */
  static FileRunStore durableStore(Path root) {
    return FileRunStore.open(root);
  }

  /**
   * A file store that does not fsync: only for writing fixtures fast (DESIGN section 15), never for
   * a measured operation.
   */
  static FileRunStore unsyncedStore(Path root) {
    return FileRunStore.open(root, FileRunStore.Options.builder().fsync(false).build());
  }

  /** The task ids {@code t0 .. t(n-1)}. */
  static List<TaskId> taskIds(int n) {
    TaskId[] ids = new TaskId[n];
    for (int i = 0; i < n; i++) {
      ids[i] = TaskId.of("t" + i);
    }
    return List.of(ids);
  }

  /**
   * A RUNNING run whose {@code tasks} tasks are RUNNING in their first attempt, each with {@code
   * worker} as its worker, last seen at {@code at}.
   */
  static RunSnapshot runningRun(
      RunId runId, int tasks, @Nullable Owner owner, @Nullable ProcessRef worker, Instant at) {
    Snapshots.RunBuilder b = Snapshots.run(runId).status(RunStatus.RUNNING).owner(owner).at(at);
    for (TaskId id : taskIds(tasks)) {
      AttemptId attempt = AttemptId.of(runId, id, 1);
      b.task(
          TaskState.queued(id).toBuilder()
              .status(TaskStatus.RUNNING)
              .addAttempt(Attempt.started(attempt, at, worker))
              .lastSeenAt(at)
              .build());
    }
    return b.build();
  }

  /** A COMPLETED run whose {@code tasks} tasks are COMPLETED. */
  static RunSnapshot finishedRun(RunId runId, int tasks, Instant at) {
    Snapshots.RunBuilder b = Snapshots.run(runId).status(RunStatus.COMPLETED).at(at);
    for (TaskId id : taskIds(tasks)) {
      b.task(id.value(), TaskStatus.COMPLETED);
    }
    return b.build();
  }
}
