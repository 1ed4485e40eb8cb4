package dev.crewrecovery.core.internal.store;

import dev.crewrecovery.api.StoreIoException;
import dev.crewrecovery.api.spi.Clock;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Exclusion across threads and processes on a dedicated lock file.
 *
 * <p>An OS lock ({@link FileChannel#lock}) is held per process, not per thread, and closing
 * <em>any</em> channel of the file in this JVM silently releases it. So every lock file has one
 * in-JVM {@link ReentrantLock} in a static registry keyed by its canonical path, taken first: only
 * the thread that holds it opens the lock file, locks it, and closes it on release. OS locks die
 * with their process, so a crashed holder never leaves a stale lock behind.
 *
 * <p>Waiting is bounded: both locks are tried in slices of at most {@value #SLICE_MILLIS} ms of
 * real time, and after each slice the caller's {@link Clock#monotonicNanos()} decides whether the
 * bound has passed. That clock read is the store's only one.
 */
final class FileLocks {
  static final long SLICE_MILLIS = 10;

  private static final ConcurrentHashMap<Path, Entry> REGISTRY = new ConcurrentHashMap<>();

  private FileLocks() {}

  /** The in-JVM part of one lock file; lives in the registry while someone holds or waits. */
  private static final class Entry {
    final ReentrantLock lock = new ReentrantLock();
    int users; // guarded by the registry's compute()
  }

  /** A held lock; closing releases the OS lock, closes the channel and the in-JVM lock. */
  static final class Held implements AutoCloseable {
    private final Path path;
    private final Entry entry;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean released;

    private Held(Path path, Entry entry, FileChannel channel, FileLock lock) {
      this.path = path;
      this.entry = entry;
      this.channel = channel;
      this.lock = lock;
    }

    @Override
    public void close() {
      if (released) {
        return;
      }
      released = true;
      try {
        try {
          lock.release();
        } finally {
          channel.close();
        }
      } catch (IOException e) {
        // Closing the channel releases the OS lock in any case.
        System.getLogger(FileLocks.class.getName())
            .log(System.Logger.Level.WARNING, "releasing lock " + path, e);
      } finally {
        entry.lock.unlock();
        unref(path, entry);
      }
    }
  }

  /** Whether the current thread holds the lock of this file. */
  static boolean heldByCurrentThread(Path lockFile) {
    Entry e = REGISTRY.get(lockFile);
    return e != null && e.lock.isHeldByCurrentThread();
  }

  /**
   * Acquires the lock, waiting at most {@code timeout} as measured by {@code clock}.
   *
   * @param timeoutException builds the exception to throw with the time waited
   * @throws IllegalStateException if the current thread already holds it (re-entrance)
   * @throws StoreIoException if the lock file cannot be opened, or the thread is interrupted
   */
  static Held acquire(
      Path lockFile,
      FileIo io,
      Clock clock,
      Duration timeout,
      Function<Duration, RuntimeException> timeoutException) {
    long start = clock.monotonicNanos();
    long bound = timeout.toNanos();
    Entry entry = ref(lockFile);
    boolean inJvm = false;
    Held held = null;
    try {
      if (entry.lock.isHeldByCurrentThread()) {
        throw new IllegalStateException(
            "the current thread already holds the lock "
                + lockFile
                + "; a store call that locks must not be made from inside an update function");
      }
      while (!entry.lock.tryLock(SLICE_MILLIS, TimeUnit.MILLISECONDS)) {
        checkBound(clock, start, bound, timeoutException);
      }
      inJvm = true;
      FileChannel ch = open(lockFile, io);
      try {
        long pause = TimeUnit.MILLISECONDS.toNanos(1);
        while (true) {
          FileLock fl = tryLock(ch, lockFile);
          if (fl != null) {
            held = new Held(lockFile, entry, ch, fl);
            return held;
          }
          checkBound(clock, start, bound, timeoutException);
          LockSupport.parkNanos(pause);
          if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw new StoreIoException("interrupted while waiting for lock " + lockFile, null);
          }
          pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(SLICE_MILLIS));
        }
      } finally {
        if (held == null) {
          closeQuietly(ch);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreIoException("interrupted while waiting for lock " + lockFile, e);
    } finally {
      if (held == null) {
        if (inJvm) {
          entry.lock.unlock();
        }
        unref(lockFile, entry);
      }
    }
  }

  /**
   * Takes the lock only if it is free now, in this JVM and in other processes.
   *
   * @return the held lock, or null when it is busy or already held by the current thread
   */
  static @Nullable Held tryAcquire(Path lockFile, FileIo io) {
    Entry entry = ref(lockFile);
    if (entry.lock.isHeldByCurrentThread() || !entry.lock.tryLock()) {
      unref(lockFile, entry);
      return null;
    }
    FileChannel ch = null;
    try {
      ch = open(lockFile, io);
      FileLock fl = tryLock(ch, lockFile);
      if (fl != null) {
        return new Held(lockFile, entry, ch, fl);
      }
      closeQuietly(ch);
    } catch (RuntimeException | Error e) {
      if (ch != null) {
        closeQuietly(ch);
      }
      entry.lock.unlock();
      unref(lockFile, entry);
      throw e;
    }
    entry.lock.unlock();
    unref(lockFile, entry);
    return null;
  }

  private static void checkBound(
      Clock clock, long start, long bound, Function<Duration, RuntimeException> timeoutException) {
    long waited = clock.monotonicNanos() - start;
    if (waited > bound) {
      throw timeoutException.apply(Duration.ofNanos(waited));
    }
  }

  private static FileChannel open(Path lockFile, FileIo io) {
    try {
      return FileChannel.open(
          lockFile,
          Set.<OpenOption>of(
              StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
          io.fileAttributes());
    } catch (IOException e) {
      throw new StoreIoException("cannot open lock file " + lockFile + ": " + e, e);
    }
  }

  private static @Nullable FileLock tryLock(FileChannel ch, Path lockFile) {
    try {
      return ch.tryLock();
    } catch (OverlappingFileLockException e) {
      // Held through another channel of this JVM (another class loader's registry): busy.
      return null;
    } catch (IOException e) {
      throw new StoreIoException("cannot lock " + lockFile + ": " + e, e);
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // Nothing was written through it.
    }
  }

  private static Entry ref(Path path) {
    return REGISTRY.compute(
        path,
        (k, v) -> {
          Entry e = v == null ? new Entry() : v;
          e.users++;
          return e;
        });
  }

  private static void unref(Path path, Entry entry) {
    REGISTRY.computeIfPresent(
        path,
        (k, v) -> {
          if (v != entry) {
            return v;
          }
          v.users--;
          return v.users == 0 ? null : v;
        });
  }
}
