package dev.crewrecovery.cli.internal.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * One child JVM of the demo (a worker or a second host), started with the same java command and
 * class path (or module path) as this JVM. Its stdout is read line by line into a queue; its stderr
 * goes to a log file, shown when something goes wrong. Thread-safe.
 */
final class Child implements AutoCloseable {
  private static final String END = "\u0000end";

  private final Process process;
  private final String name;
  private final Path log;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final Writer stdin;
  private volatile long exitNanos = -1;

  private Child(Process process, String name, Path log, LongSupplier nanos) {
    this.process = process;
    this.name = name;
    this.log = log;
    this.stdin = process.outputWriter(StandardCharsets.UTF_8);
    CompletableFuture<?> unused = process.onExit().thenRun(() -> exitNanos = nanos.getAsLong());
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r = process.inputReader(StandardCharsets.UTF_8)) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // the stream closes when the process dies; the end marker says so
              } finally {
                lines.add(END);
              }
            },
            "demo-child-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@link DemoChild} in a new JVM.
   *
   * @param name a short name for messages
   * @param logDir where its stderr goes
   * @param args the arguments of {@link DemoChild#main}
   * @param nanos the monotonic clock that dates its exit
   * @return the running child
   * @throws IOException if it cannot be started
   */
  static Child start(String name, Path logDir, List<String> args, LongSupplier nanos)
      throws IOException {
    List<String> command = new ArrayList<>(javaCommand());
    command.addAll(args);
    Path log = Files.createTempFile(logDir, name + "-", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.PIPE);
    return new Child(pb.start(), name, log, nanos);
  }

  /**
   * The command that starts {@link DemoChild} like this JVM was started: the same java executable,
   * the same class path or module path, and the cheap JIT and GC settings of DESIGN section 15.
   */
  static List<String> javaCommand() {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-Xshare:auto");
    String classPath = System.getProperty("java.class.path", "");
    String modulePath = System.getProperty("jdk.module.path", "");
    Module module = DemoChild.class.getModule();
    if (module.isNamed() && !modulePath.isEmpty()) {
      cmd.add("--module-path");
      cmd.add(modulePath);
      if (!classPath.isEmpty()) {
        cmd.add("-cp");
        cmd.add(classPath);
      }
      cmd.add("-m");
      cmd.add(module.getName() + "/" + DemoChild.class.getName());
    } else {
      cmd.add("-cp");
      cmd.add(classPath);
      cmd.add(DemoChild.class.getName());
    }
    return cmd;
  }

  /** Returns the underlying process (for the probe's {@code identify(Process)}). */
  Process process() {
    return process;
  }

  /** Returns the monotonic time at which this JVM saw the child exit, or -1 while it runs. */
  long exitNanos() {
    return exitNanos;
  }

  long pid() {
    return process.pid();
  }

  String name() {
    return name;
  }

  /**
   * Waits for the next line that starts with {@code prefix}, skipping others.
   *
   * @param prefix the prefix
   * @param timeout how long to wait at most
   * @return the line
   * @throws DemoException if the child ends or the time is up first
   */
  String awaitLine(String prefix, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line;
      try {
        line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DemoException(name + ": interrupted while waiting for " + prefix);
      }
      if (line == null) {
        throw new DemoException(
            name
                + " (pid "
                + pid()
                + ") did not print "
                + prefix
                + " within "
                + timeout
                + logTail());
      }
      if (line.equals(END)) {
        lines.add(END);
        throw new DemoException(
            name + " (pid " + pid() + ") ended before printing " + prefix + logTail());
      }
      if (line.startsWith(prefix)) {
        return line;
      }
    }
  }

  /**
   * Sends one line to the child's stdin.
   *
   * @param line the line
   */
  void send(String line) {
    try {
      stdin.write(line + "\n");
      stdin.flush();
    } catch (IOException e) {
      throw new DemoException(name + " (pid " + pid() + ") no longer reads its input: " + e);
    }
  }

  /**
   * Waits for the child to exit.
   *
   * @param timeout how long at most
   * @return its exit code, or null if it still runs
   */
  @Nullable Integer awaitExit(Duration timeout) {
    try {
      if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return process.exitValue();
      }
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Sends SIGKILL (what {@code destroyForcibly} does on Linux and macOS). */
  void sigkill() {
    process.destroyForcibly();
  }

  /**
   * Sends a signal by name through the shell's {@code kill}, for the signals Java has no call for
   * (STOP).
   *
   * @param signal the signal name, for example {@code STOP}
   */
  void signal(String signal) {
    try {
      Process kill =
          // The shell's own kill: present wherever sh is, unlike a kill binary.
          new ProcessBuilder("sh", "-c", "kill -" + signal + " \"$0\"", Long.toString(pid()))
              .redirectErrorStream(true)
              .start();
      String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new DemoException("kill -" + signal + " " + pid() + " failed: " + output.trim());
      }
    } catch (IOException e) {
      throw new DemoException("cannot run kill -" + signal + " " + pid() + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DemoException("interrupted while sending " + signal + " to " + pid());
    }
  }

  /** Returns the last lines of the child's stderr, prefixed with a line break, or nothing. */
  String logTail() {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      if (all.isEmpty()) {
        return "";
      }
      List<String> tail = all.subList(Math.max(0, all.size() - 8), all.size());
      return "\n    " + name + " stderr: " + String.join("\n    ", tail);
    } catch (IOException e) {
      return "";
    }
  }

  /** Kills the child if it still runs (a stopped one too: SIGKILL needs no SIGCONT). */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      awaitExit(Duration.ofSeconds(5));
    }
    try {
      stdin.close();
    } catch (IOException e) {
      // the child is gone; nothing to flush
    }
  }
}
