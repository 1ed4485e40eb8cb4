package dev.crewrecovery.core.internal.store;

import dev.crewrecovery.api.CorruptStateException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The store's file primitives: the durable replace protocol (temp file in the same directory,
 * force, atomic move, directory sync), forced appends, size-capped reads, markers, and POSIX
 * permissions (0700 for directories, 0600 for files) where the file system has them.
 *
 * <p>With {@code fsync} off (test fixtures only) nothing is forced; replaces stay atomic.
 */
final class FileIo {
  /** Temp files start with this; no id may (ids start with a letter or digit). */
  static final String TEMP_PREFIX = ".tmp-";

  private static final System.Logger LOG = System.getLogger(FileIo.class.getName());

  private final boolean fsync;
  private final boolean posix;

  FileIo(boolean fsync, boolean posix) {
    this.fsync = fsync;
    this.posix = posix;
  }

  boolean fsync() {
    return fsync;
  }

  FileAttribute<?>[] fileAttributes() {
    return posix
        ? new FileAttribute<?>[] {
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
        }
        : new FileAttribute<?>[0];
  }

  private FileAttribute<?>[] directoryAttributes() {
    return posix
        ? new FileAttribute<?>[] {
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))
        }
        : new FileAttribute<?>[0];
  }

  /**
   * Makes sure {@code dir} is a real directory, creating it (0700) if absent.
   *
   * @throws CorruptStateException if it is a symbolic link or not a directory
   */
  void ensureDirectory(Path dir) throws IOException {
    try {
      Files.createDirectory(dir, directoryAttributes());
      fsyncDirectory(parent(dir));
    } catch (FileAlreadyExistsException e) {
      requireRealDirectory(dir);
    }
  }

  /**
   * Checks that {@code dir} is a directory and not a symbolic link.
   *
   * @return false if it does not exist
   * @throws CorruptStateException if it is a symbolic link or something else than a directory
   *     (refused, left in place)
   */
  static boolean requireRealDirectory(Path dir) throws IOException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return false;
    }
    if (a.isSymbolicLink()) {
      throw new CorruptStateException(
          dir.toString(),
          null,
          "is a symbolic link; the store refuses symlinked directories (left in place)",
          null);
    }
    if (!a.isDirectory()) {
      throw new CorruptStateException(
          dir.toString(), null, "is not a directory (refused, left in place)", null);
    }
    return true;
  }

  /** Replaces {@code target} durably: temp file, force, atomic move, directory sync. */
  void writeDurably(Path target, byte[] data) throws IOException {
    Path dir = parent(target);
    Path tmp = tempFile(target);
    boolean moved = false;
    try {
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              fileAttributes())) {
        writeFully(ch, ByteBuffer.wrap(data));
        if (fsync) {
          ch.force(true);
        }
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      moved = true;
      fsyncDirectory(dir);
    } finally {
      if (!moved) {
        deleteQuietly(tmp);
      }
    }
  }

  /** Writes a small file in place, forced, then syncs its directory (markers). */
  void writeMarker(Path marker, byte[] data) throws IOException {
    try (FileChannel ch =
        FileChannel.open(
            marker,
            Set.of(
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING,
                LinkOption.NOFOLLOW_LINKS),
            fileAttributes())) {
      writeFully(ch, ByteBuffer.wrap(data));
      if (fsync) {
        ch.force(true);
      }
    }
    fsyncDirectory(parent(marker));
  }

  /** Creates an empty marker if absent, durably. */
  void createMarker(Path marker) throws IOException {
    try {
      Files.createFile(marker, fileAttributes());
    } catch (FileAlreadyExistsException e) {
      return;
    }
    fsyncDirectory(parent(marker));
  }

  /** Deletes a marker (or any file) if present and syncs its directory. */
  boolean deleteFile(Path file) throws IOException {
    boolean deleted = Files.deleteIfExists(file);
    if (deleted) {
      fsyncDirectory(parent(file));
    }
    return deleted;
  }

  /** Appends bytes at the end of a file (created 0600 if absent) and forces them. */
  void appendDurably(Path file, byte[] data) throws IOException {
    try (FileChannel ch = openForAppend(file)) {
      writeFully(ch, ByteBuffer.wrap(data));
      if (fsync) {
        ch.force(false);
      }
    }
  }

  FileChannel openForAppend(Path file) throws IOException {
    boolean created = !Files.exists(file, LinkOption.NOFOLLOW_LINKS);
    FileChannel ch =
        FileChannel.open(
            file,
            Set.<OpenOption>of(
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND,
                LinkOption.NOFOLLOW_LINKS),
            fileAttributes());
    if (created) {
      try {
        fsyncDirectory(parent(file));
      } catch (IOException e) {
        ch.close();
        throw e;
      }
    }
    return ch;
  }

  /**
   * Reads a whole file, refusing files over the cap before reading them.
   *
   * @throws NoSuchFileException if it does not exist
   * @throws TooLargeException if it is larger than {@code cap}
   */
  static byte[] readCapped(Path file, long cap) throws IOException, TooLargeException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long size = ch.size();
      if (size > cap) {
        throw new TooLargeException(size, cap);
      }
      // Read one byte more than announced to notice a file that grew meanwhile.
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size + 1, cap + 1));
      while (buf.hasRemaining()) {
        if (ch.read(buf) < 0) {
          break;
        }
      }
      if (buf.position() > cap) {
        throw new TooLargeException(buf.position(), cap);
      }
      byte[] out = new byte[buf.position()];
      buf.flip();
      buf.get(out);
      return out;
    }
  }

  void fsyncDirectory(Path dir) throws IOException {
    if (!fsync || !posix) {
      // Windows cannot open a directory as a channel; its moves are durable on return.
      return;
    }
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** Removes leftover temp files of this store in a directory. */
  int deleteTempFiles(Path dir) throws IOException {
    int n = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, TEMP_PREFIX + "*")) {
      for (Path p : ds) {
        if (Files.deleteIfExists(p)) {
          n++;
          LOG.log(System.Logger.Level.INFO, "removed leftover temp file {0}", p);
        }
      }
    } catch (NoSuchFileException e) {
      return 0;
    }
    if (n > 0) {
      fsyncDirectory(dir);
    }
    return n;
  }

  static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }

  static void writeFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      pos += ch.write(buf, pos);
    }
  }

  /** The directory of a store path; every such path has one. */
  static Path parent(Path p) {
    Path parent = p.getParent();
    if (parent == null) {
      throw new IllegalArgumentException(p + " has no parent directory");
    }
    return parent;
  }

  static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "could not delete temp file " + p, e);
    }
  }

  private static Path tempFile(Path target) {
    byte[] r = new byte[8];
    ThreadLocalRandom.current().nextBytes(r);
    return target.resolveSibling(
        TEMP_PREFIX + target.getFileName() + "." + HexFormat.of().formatHex(r));
  }

  /** A file is over the size cap. */
  static final class TooLargeException extends Exception {
    private static final long serialVersionUID = 1L;

    TooLargeException(long size, long cap) {
      super("is " + size + " bytes, over the cap of " + cap + " bytes");
    }
  }
}
