package dev.crewrecovery.core.internal.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A fake {@code /proc} tree in a temporary directory, for tests of the {@code procRoot} option. */
public final class FakeProcTree {

  private final Path root;

  /**
   * Creates a tree with a host name, a boot id and pid 1.
   *
   * @param root an empty directory
   * @param hostName the content of {@code sys/kernel/hostname}
   * @param bootId the content of {@code sys/kernel/random/boot_id}
   */
  public FakeProcTree(Path root, String hostName, String bootId) {
    this.root = root;
    write(root.resolve("sys/kernel/hostname"), hostName + "\n");
    write(root.resolve("sys/kernel/random/boot_id"), bootId + "\n");
    process(1, "systemd", 'S', 0, 1);
  }

  /** Returns the root of the tree. */
  public Path root() {
    return root;
  }

  /** Writes a well-formed stat file for a process. */
  public FakeProcTree process(long pid, String comm, char state, long ppid, long startTicks) {
    return stat(pid, statLine(pid, comm, state, ppid, startTicks));
  }

  /** Writes an arbitrary stat file. */
  public FakeProcTree stat(long pid, String content) {
    write(root.resolve(Long.toString(pid)).resolve("stat"), content);
    return this;
  }

  /** Returns the path of a process's stat file. */
  public Path statFile(long pid) {
    return root.resolve(Long.toString(pid)).resolve("stat");
  }

  private static void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, content.getBytes(StandardCharsets.ISO_8859_1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Returns a stat line shaped like the kernel's: 52 fields, the given values in fields 1 to 4 and
   * 22 (start ticks), ending with a newline.
   */
  public static String statLine(long pid, String comm, char state, long ppid, long startTicks) {
    return pid
        + " ("
        + comm
        + ") "
        + state
        + " "
        + ppid
        + " 20823 18438 0 -1 4194304 99 0 0 0 0 0 0 0 20 0 1 0 "
        + startTicks
        + " 3133440 379 18446744073709551615 94734903955456 94734903975337 140737469789344 0 0 0"
        + " 0 0 0 0 0 0 17 0 0 0 0 0 0 94734903991344 94734903992960 94735398076416"
        + " 140737469790932 140737469790952 140737469790952 140737469792235 0\n";
  }
}
