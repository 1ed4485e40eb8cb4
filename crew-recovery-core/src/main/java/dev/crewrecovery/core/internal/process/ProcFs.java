package dev.crewrecovery.core.internal.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the few files of a Linux {@code /proc} tree that a probe needs. The root is configurable so
 * that tests can point it at a fake tree.
 *
 * <p>Thread-safe and stateless: every call reads the files afresh.
 */
public final class ProcFs {

  /**
   * The most a stat line or a small sysctl file may hold; real ones are a few hundred bytes. A
   * longer file is not what we expect, so it is reported rather than read without bound.
   */
  static final int MAX_FILE_BYTES = 8 * 1024;

  /**
   * pid 1 exists in every pid namespace, so a {@code /proc} that does not show it hides processes
   * from us ({@code hidepid=2}/{@code invisible}), and a missing pid proves nothing.
   */
  private static final String INIT_PID = "1";

  private final Path root;
  private final FileReader reader;

  /** Reads a whole small file; a seam for tests that need failures root cannot be given. */
  @FunctionalInterface
  interface FileReader {
    String read(Path file) throws IOException;
  }

  /**
   * Creates a reader of the tree at {@code root}.
   *
   * @param root usually {@code /proc}
   */
  public ProcFs(Path root) {
    this(root, ProcFs::readSmall);
  }

  ProcFs(Path root, FileReader reader) {
    this.root = Objects.requireNonNull(root, "root");
    this.reader = Objects.requireNonNull(reader, "reader");
  }

  /** Returns the root of the tree. */
  public Path root() {
    return root;
  }

  /**
   * Reads and parses {@code <root>/<pid>/stat}.
   *
   * @param pid a positive pid
   * @return the fields, {@link StatRead.Missing} only when the pid provably does not exist, else
   *     {@link StatRead.Unreadable}; never throws for an I/O problem
   */
  public StatRead readStat(long pid) {
    Path dir = root.resolve(Long.toString(pid));
    String text;
    try {
      text = reader.read(dir.resolve("stat"));
    } catch (AccessDeniedException e) {
      return new StatRead.Unreadable("permission denied reading " + e.getFile());
    } catch (IOException e) {
      // A process that exits while we read makes the read fail with ENOENT or ESRCH; whether
      // it is gone is then decided by its directory, not by the error.
      return missingOrUnreadable(dir, e);
    }
    try {
      ProcStat stat = ProcStat.parse(text);
      if (stat.pid() != pid) {
        return new StatRead.Unreadable(
            dir.resolve("stat") + " names pid " + stat.pid() + ", expected " + pid);
      }
      return new StatRead.Present(stat);
    } catch (MalformedStatException e) {
      return new StatRead.Unreadable("malformed " + dir.resolve("stat") + ": " + e.getMessage());
    }
  }

  private StatRead missingOrUnreadable(Path dir, IOException cause) {
    if (!Files.isDirectory(root)) {
      return new StatRead.Unreadable(root + " is not a readable directory (" + cause + ")");
    }
    if (!Files.isDirectory(root.resolve(INIT_PID))) {
      return new StatRead.Unreadable(
          root + " does not show pid 1: processes are hidden (hidepid), absence proves nothing");
    }
    if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return new StatRead.Unreadable("cannot read " + dir.resolve("stat") + ": " + cause);
    }
    return new StatRead.Missing();
  }

  /**
   * Reads {@code <root>/sys/kernel/random/boot_id}, which changes at every boot.
   *
   * @return the trimmed boot id, or empty if it cannot be read or is blank
   */
  public Optional<String> bootId() {
    return readLine(root.resolve("sys").resolve("kernel").resolve("random").resolve("boot_id"));
  }

  /**
   * Reads {@code <root>/sys/kernel/hostname}.
   *
   * @return the trimmed host name, or empty if it cannot be read or is blank
   */
  public Optional<String> hostName() {
    return readLine(root.resolve("sys").resolve("kernel").resolve("hostname"));
  }

  private Optional<String> readLine(Path file) {
    try {
      String value = reader.read(file).strip();
      return value.isEmpty() ? Optional.empty() : Optional.of(value);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Reads a whole small file. Files under /proc report size 0, so the size cannot be checked up
   * front: read up to the cap plus one byte and refuse what is longer. ISO-8859-1 maps every byte
   * to one char, so a {@code comm} that is not valid UTF-8 cannot make decoding fail.
   */
  private static String readSmall(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
      if (bytes.length > MAX_FILE_BYTES) {
        throw new IOException(file + " is longer than " + MAX_FILE_BYTES + " bytes");
      }
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
  }
}
