package dev.crewrecovery.core.internal.process;

import dev.crewrecovery.api.ProcessRef;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * Knows which refs are children of this JVM, and the {@link Process} objects the host handed over,
 * so that their exit can be awaited without polling and, for a {@code Process}, its exit code
 * reported.
 *
 * <p>Waiting on a child costs no thread of ours: the JDK already reaps every child it started with
 * one reaper thread, and {@link ProcessHandle#onExit()} of a child shares it. Thread-safe.
 */
public final class ChildProcesses {

  /**
   * How many exited processes are remembered with their exit code, so that an {@code onExit}
   * registered just after the exit still reports the code. Older ones are forgotten.
   */
  static final int REMEMBERED_EXITS = 256;

  private final ConcurrentMap<Long, Known> known = new ConcurrentHashMap<>();
  private final Deque<Known> exited = new ArrayDeque<>();
  private final long selfPid;

  /** A process the host handed over, with the ref identified for it. */
  private record Known(ProcessRef ref, Process process) {}

  /** Creates an empty registry. */
  public ChildProcesses() {
    this.selfPid = ProcessHandle.current().pid();
  }

  /** Returns the pid of this JVM. */
  public long selfPid() {
    return selfPid;
  }

  /**
   * Remembers a process started by the host, so that its exit code can be reported.
   *
   * @param ref the ref identified for it
   * @param process the process
   */
  public void remember(ProcessRef ref, Process process) {
    Known entry = new Known(ref, process);
    known.put(ref.pid(), entry);
    // The JDK's reaper completes this after reaping; no thread of ours waits. retire cannot
    // throw, so the dependent future carries nothing worth checking.
    CompletableFuture<?> unused = process.onExit().whenComplete((p, t) -> retire(entry));
  }

  private void retire(Known entry) {
    synchronized (exited) {
      exited.addLast(entry);
      while (exited.size() > REMEMBERED_EXITS) {
        Known oldest = exited.removeFirst();
        known.remove(oldest.ref().pid(), oldest);
      }
    }
  }

  /**
   * Returns the exit code of a remembered process with the ref's identity, if it has exited.
   *
   * @param ref the ref
   * @return the exit code, or null when unknown
   */
  public @Nullable Integer exitCode(ProcessRef ref) {
    Known entry = matching(ref);
    if (entry == null || entry.process().isAlive()) {
      return null;
    }
    return entry.process().exitValue();
  }

  /**
   * Returns a future completed when the ref's process exits, if it is a child of this JVM; its
   * value is the exit code where a remembered {@link Process} tells it. The caller must make sure
   * that the ref's process still holds the pid after calling this (probe it again), because a child
   * handle is looked up by pid.
   *
   * @param ref a ref of this host that probed ALIVE
   * @return the future, or null when the ref is not a child of this JVM
   */
  public @Nullable CompletableFuture<OptionalInt> exitOfChild(ProcessRef ref) {
    Known entry = matching(ref);
    if (entry != null) {
      return entry.process().onExit().thenApply(p -> OptionalInt.of(p.exitValue()));
    }
    Optional<ProcessHandle> handle;
    try {
      handle = ProcessHandle.of(ref.pid());
    } catch (RuntimeException e) {
      return null;
    }
    if (handle.isEmpty() || !isChild(handle.get())) {
      return null;
    }
    return handle.get().onExit().thenApply(h -> OptionalInt.empty());
  }

  /**
   * Returns whether a handle is a direct child of this JVM, the only processes whose exit the JDK
   * can await without polling.
   */
  public boolean isChild(ProcessHandle handle) {
    try {
      return handle.parent().map(p -> p.pid() == selfPid).orElse(false);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private @Nullable Known matching(ProcessRef ref) {
    Known entry = known.get(ref.pid());
    if (entry == null || !sameProcess(entry.ref(), ref)) {
      return null;
    }
    return entry;
  }

  /**
   * Two refs name the same process when pid and host agree and a start identity they both carry
   * agrees; refs without a common start identity never match (the pid may have been reused).
   */
  static boolean sameProcess(ProcessRef a, ProcessRef b) {
    if (a.pid() != b.pid() || !LivenessRules.sameHost(a.host(), b.host())) {
      return false;
    }
    if (a.startTicks() != null && b.startTicks() != null) {
      return Objects.equals(a.startTicks(), b.startTicks());
    }
    if (a.startInstant() != null && b.startInstant() != null) {
      return Objects.equals(a.startInstant(), b.startInstant());
    }
    return false;
  }
}
