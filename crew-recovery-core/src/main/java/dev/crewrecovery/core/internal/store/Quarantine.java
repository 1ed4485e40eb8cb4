package dev.crewrecovery.core.internal.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Moves corrupt files (and torn or malformed bytes) into {@code quarantine/}; nothing there is ever
 * deleted. A name is {@code <label>.<timestamp>[.<n>]}: the label names the store file (for a run,
 * {@code <runId>.run.json}), the timestamp is the corrupt file's last-modified time in UTC (the
 * store reads no clock), and a counter keeps names unique. A placeholder is created with {@code
 * CREATE_NEW} first, so an existing quarantined file is never overwritten.
 */
final class Quarantine {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSSSSSSSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private final Path dir;
  private final FileIo io;
  private final AtomicLong count = new AtomicLong();

  Quarantine(Path dir, FileIo io) {
    this.dir = dir;
    this.io = io;
  }

  long count() {
    return count.get();
  }

  /** Moves {@code file} aside and returns where it went. */
  Path moveAside(Path file, String label) throws IOException {
    Path target = reserveFor(file, label);
    moveTo(file, target);
    return target;
  }

  /** Reserves a unique quarantine name for {@code file} (an empty placeholder). */
  Path reserveFor(Path file, String label) throws IOException {
    return reserve(label, lastModified(file));
  }

  /** Moves {@code file} onto a reserved name; on failure the placeholder is removed. */
  void moveTo(Path file, Path target) throws IOException {
    try {
      Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      FileIo.deleteQuietly(target);
      throw e;
    }
    io.fsyncDirectory(dir);
    io.fsyncDirectory(FileIo.parent(file));
    count.incrementAndGet();
  }

  /** Writes bytes cut from {@code source} (a torn line) into quarantine, durably. */
  Path writeAside(byte[] data, String label, Path source) throws IOException {
    Path target = reserve(label, lastModified(source));
    try (FileChannel ch =
        FileChannel.open(target, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
      FileIo.writeFully(ch, ByteBuffer.wrap(data));
      if (io.fsync()) {
        ch.force(true);
      }
    }
    io.fsyncDirectory(dir);
    count.incrementAndGet();
    return target;
  }

  /** Copies the bytes {@code [from, to)} of an open file into quarantine, durably. */
  Path copyAside(FileChannel src, long from, long to, String label, Path source)
      throws IOException {
    Path target = reserve(label, lastModified(source));
    try (FileChannel ch =
        FileChannel.open(target, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
      long pos = from;
      while (pos < to) {
        long n = src.transferTo(pos, to - pos, ch);
        if (n <= 0) {
          break;
        }
        pos += n;
      }
      if (io.fsync()) {
        ch.force(true);
      }
    }
    io.fsyncDirectory(dir);
    count.incrementAndGet();
    return target;
  }

  private Path reserve(String label, Instant stamp) throws IOException {
    String base = label + "." + STAMP.format(stamp);
    for (int n = 0; ; n++) {
      Path target = dir.resolve(n == 0 ? base : base + "." + n);
      try {
        Files.createFile(target, io.fileAttributes());
        return target;
      } catch (FileAlreadyExistsException e) {
        // try the next suffix
      }
    }
  }

  private static Instant lastModified(Path file) {
    try {
      return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant();
    } catch (NoSuchFileException e) {
      return Instant.EPOCH;
    } catch (IOException e) {
      return Instant.EPOCH;
    }
  }
}
