package dev.crewrecovery.core.internal.recovery;

import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.StoreIoException;
import dev.crewrecovery.core.ReportSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@link ReportSink#directory}: one durable file per report, {@code <runId>-<epochMillis>.json},
 * written as the file store writes its snapshots (temp file in the same directory, force, atomic
 * rename, directory sync), never replacing an existing report: the rename is a hard link to the
 * first free name then an unlink of the temp file, so a name is claimed atomically or not at all.
 * Thread-safe: concurrent writers of the same name get distinct suffixes.
 */
public final class DirectoryReportSink implements ReportSink {
  /** The temp-file prefix of the file store, whose {@code open()} removes leftovers. */
  private static final String TEMP_PREFIX = ".tmp-";

  private static final int MAX_SUFFIX = 1_000;

  private final Path dir;
  private final boolean posix;

  /**
   * Creates the sink.
   *
   * @param dir the directory of the reports
   */
  public DirectoryReportSink(Path dir) {
    this.dir = Objects.requireNonNull(dir, "dir");
    this.posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  @Override
  public String write(RunId runId, Instant at, String json) {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(json, "json");
    byte[] data = json.getBytes(StandardCharsets.UTF_8);
    String base = runId.value() + "-" + at.toEpochMilli();
    try {
      ensureDirectory();
      Path tmp = dir.resolve(TEMP_PREFIX + base + ".json." + random());
      try {
        try (FileChannel ch =
            FileChannel.open(
                tmp,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                attributes("rw-------"))) {
          ByteBuffer buf = ByteBuffer.wrap(data);
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
          ch.force(true);
        }
        Path target = claim(base, tmp);
        Files.deleteIfExists(tmp);
        syncDirectory();
        return target.toString();
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new StoreIoException(
          "could not write the DIAGNOSE report of run " + runId + " to " + dir + ": " + e, e);
    }
  }

  /**
   * Moves the temp file to the first free name. A hard link claims a name atomically without ever
   * replacing one; where links are unsupported, the name is checked, then moved atomically.
   */
  private Path claim(String base, Path tmp) throws IOException {
    for (int n = 0; n < MAX_SUFFIX; n++) {
      Path target = dir.resolve(n == 0 ? base + ".json" : base + "-" + n + ".json");
      try {
        Files.createLink(target, tmp);
        return target;
      } catch (FileAlreadyExistsException e) {
        // Taken: try the next suffix.
      } catch (UnsupportedOperationException e) {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
      }
    }
    throw new IOException(MAX_SUFFIX + " reports named " + base + " exist already");
  }

  private void ensureDirectory() throws IOException {
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.createDirectories(dir, attributes("rwx------"));
    } catch (FileAlreadyExistsException e) {
      throw new IOException(dir + " exists and is not a directory", e);
    }
  }

  private void syncDirectory() throws IOException {
    if (!posix) {
      // Windows cannot open a directory as a channel; its moves are durable on return.
      return;
    }
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private FileAttribute<?>[] attributes(String permissions) {
    return posix
        ? new FileAttribute<?>[] {
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))
        }
        : new FileAttribute<?>[0];
  }

  private static String random() {
    byte[] r = new byte[8];
    ThreadLocalRandom.current().nextBytes(r);
    return HexFormat.of().formatHex(r);
  }
}
