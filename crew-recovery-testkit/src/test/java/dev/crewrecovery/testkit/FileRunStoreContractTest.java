package dev.crewrecovery.testkit;

import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.spi.Clock;
import dev.crewrecovery.api.spi.RunStore;
import dev.crewrecovery.core.FileRunStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the whole {@link RunStoreContract} against {@link FileRunStore} on a temp directory, with
 * every persistence hook: reopening the same root, and damaging its files as a crash, a disk or a
 * newer version of the library would.
 */
class FileRunStoreContractTest extends RunStoreContract {

  @TempDir Path root;

  private @Nullable FileRunStore last;

  private static FileRunStore.Options options(Clock clock, Duration lockTimeout) {
    return FileRunStore.Options.builder().clock(clock).lockTimeout(lockTimeout).build();
  }

  @Override
  protected RunStore openStore(Clock clock, Duration lockTimeout) {
    FileRunStore store = FileRunStore.open(root, options(clock, lockTimeout));
    last = store;
    return store;
  }

  @Override
  protected RunStore reopen(Clock clock, Duration lockTimeout) {
    return openStore(clock, lockTimeout);
  }

  private Path runFile(RunId runId, String name) {
    return root.resolve("runs").resolve(runId.value()).resolve(name);
  }

  @Override
  protected void writeSnapshotWithSchemaVersion(RunId runId, long schemaVersion) {
    Path file = runFile(runId, "run.json");
    try {
      String json = Files.readString(file, StandardCharsets.UTF_8);
      String newer =
          json.replaceFirst("\"schemaVersion\" : 1,", "\"schemaVersion\" : " + schemaVersion + ",");
      if (newer.equals(json)) {
        throw new IllegalStateException("no schemaVersion in " + file);
      }
      Files.writeString(file, newer, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected void corruptSnapshot(RunId runId) {
    try {
      Files.writeString(
          runFile(runId, "run.json"), "{\"schemaVersion\":1,\"runId\":", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected void corruptHeartbeatSlot(RunId runId, TaskId taskId) {
    FileRunStore store = last;
    if (store == null) {
      throw new IllegalStateException("no store was opened");
    }
    RunSnapshot s = store.load(runId).orElseThrow();
    int index = s.tasks().stream().map(t -> t.id()).toList().indexOf(taskId);
    if (index < 0) {
      throw new IllegalArgumentException("run " + runId + " has no task " + taskId);
    }
    // Flip one bit of the beat counter (offset 16 of the 64-byte slot): the checksum fails.
    long pos = 64L * index + 16;
    try (FileChannel ch =
        FileChannel.open(
            runFile(runId, "heartbeats.bin"), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, pos);
      b.put(0, (byte) (b.get(0) ^ 0x40)).rewind();
      ch.write(b, pos);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
