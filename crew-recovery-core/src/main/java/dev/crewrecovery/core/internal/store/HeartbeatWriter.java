package dev.crewrecovery.core.internal.store;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.HeartbeatReading;
import dev.crewrecovery.api.HeartbeatSlot;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.StoreIoException;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.spi.HeartbeatOutcome;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The heartbeat fast path: no run lock, no sync, no rename. A beat is judged against a per-run view
 * of the committed snapshot (task index, current attempt, terminal) and written in place into the
 * task's slot with one positional write.
 *
 * <p>The view is refreshed on every commit made through this store and re-validated on every beat
 * by one {@code stat} of {@code run.json}: commits replace that file by rename, so a new file key
 * (device and inode) means another process committed. The view keeps the {@code run.json} it was
 * read from open, which pins its inode: no later file can reuse the number while the view lives, so
 * an equal key means the same file. (Where the platform has no file keys, size and modification
 * time stand in.) File channels stay open per run; a bounded number of runs is kept.
 */
final class HeartbeatWriter implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(HeartbeatWriter.class.getName());
  private static final int MAX_VIEWS = 256;

  /** What a beat does to the slot. */
  enum Kind {
    BEAT,
    ACTIVITY,
    ENDED
  }

  private final Layout layout;
  private final FileIo io;
  private final long maxFileBytes;
  private final AtomicLong dropped;
  private final ConcurrentHashMap<RunId, View> views = new ConcurrentHashMap<>();
  private volatile boolean closed;

  HeartbeatWriter(Layout layout, FileIo io, long maxFileBytes, AtomicLong dropped) {
    this.layout = layout;
    this.io = io;
    this.maxFileBytes = maxFileBytes;
    this.dropped = dropped;
  }

  /** What the fast path knows of one task. */
  private record TaskView(int index, int currentAttempt, boolean terminal, int check) {}

  /** The fast path's picture of one committed snapshot. */
  private static final class View {
    final RunId runId;
    final @Nullable FileChannel pin;
    final @Nullable Object fileKey;
    final long size;
    final FileTime modified;
    final boolean runTerminal;
    final Map<TaskId, TaskView> tasks;
    @Nullable FileChannel slots; // guarded by this
    boolean closed; // guarded by this

    View(RunId runId, @Nullable FileChannel pin, BasicFileAttributes attrs, RunSnapshot snapshot) {
      this.runId = runId;
      this.pin = pin;
      this.fileKey = attrs.fileKey();
      this.size = attrs.size();
      this.modified = attrs.lastModifiedTime();
      this.runTerminal = snapshot.status().isTerminal();
      List<TaskState> ts = snapshot.tasks();
      Map<TaskId, TaskView> m = new HashMap<>(ts.size() * 2);
      for (int i = 0; i < ts.size(); i++) {
        TaskState t = ts.get(i);
        int current = t.currentAttempt().map(a -> a.id().number()).orElse(0);
        m.put(
            t.id(),
            new TaskView(i, current, t.status().isTerminal(), HeartbeatSlots.taskCheck(t.id())));
      }
      this.tasks = m;
    }

    boolean matches(BasicFileAttributes a) {
      Object key = a.fileKey();
      if (fileKey != null && key != null) {
        return fileKey.equals(key);
      }
      return size == a.size() && modified.equals(a.lastModifiedTime());
    }

    synchronized void close() {
      closed = true;
      closeQuietly(slots);
      slots = null;
      closeQuietly(pin);
    }
  }

  HeartbeatOutcome record(AttemptId attempt, Instant at, Kind kind) {
    Objects.requireNonNull(attempt, "attempt");
    Objects.requireNonNull(at, "at");
    HeartbeatOutcome outcome = recordOnce(attempt, at, kind, true);
    if (outcome != HeartbeatOutcome.RECORDED) {
      dropped.incrementAndGet();
    }
    return outcome;
  }

  private HeartbeatOutcome recordOnce(AttemptId attempt, Instant at, Kind kind, boolean retry) {
    RunId runId = attempt.runId();
    View view = currentView(runId);
    if (view == null) {
      return HeartbeatOutcome.DROPPED_UNKNOWN;
    }
    TaskView task = view.tasks.get(attempt.taskId());
    if (task == null) {
      return HeartbeatOutcome.DROPPED_UNKNOWN;
    }
    if (view.runTerminal || task.terminal()) {
      return HeartbeatOutcome.DROPPED_TERMINAL;
    }
    if (task.currentAttempt() != attempt.number()) {
      return HeartbeatOutcome.DROPPED_NOT_CURRENT;
    }
    synchronized (view) {
      if (view.closed) {
        if (retry) {
          return recordOnce(attempt, at, kind, false);
        }
        throw new StoreIoException("heartbeat view of run " + runId + " closed concurrently", null);
      }
      try {
        FileChannel ch = view.slots;
        if (ch == null) {
          ch = openSlots(runId);
          view.slots = ch;
        }
        long pos = (long) task.index() * HeartbeatSlots.SLOT_BYTES;
        ByteBuffer old =
            ByteBuffer.allocate(HeartbeatSlots.SLOT_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        while (old.hasRemaining()) {
          if (ch.read(old, pos + old.position()) < 0) {
            break;
          }
        }
        HeartbeatSlot previous = null;
        if (!old.hasRemaining()) {
          HeartbeatReading r =
              HeartbeatSlots.decode(
                  old,
                  0,
                  attempt.taskId(),
                  task.check(),
                  n -> AttemptId.of(runId, attempt.taskId(), n));
          if (r.state() == HeartbeatReading.State.OK
              && Objects.requireNonNull(r.slot()).attempt().number() == attempt.number()) {
            previous = r.slot();
          }
        }
        HeartbeatSlot next = next(previous, attempt, at, kind);
        FileIo.writeFully(ch, HeartbeatSlots.encode(next, task.check()), pos);
        return HeartbeatOutcome.RECORDED;
      } catch (ClosedChannelException e) {
        // An interrupted thread closed the channel; reopen once.
        closeQuietly(view.slots);
        view.slots = null;
        if (retry && !Thread.currentThread().isInterrupted()) {
          return recordOnce(attempt, at, kind, false);
        }
        throw new StoreIoException("writing heartbeat of " + attempt + ": " + e, e);
      } catch (IOException e) {
        throw new StoreIoException("writing heartbeat of " + attempt + ": " + e, e);
      }
    }
  }

  private static HeartbeatSlot next(
      @Nullable HeartbeatSlot previous, AttemptId attempt, Instant at, Kind kind) {
    if (previous == null) {
      return switch (kind) {
        case BEAT -> new HeartbeatSlot(attempt, 1, at, 0, null, true);
        case ACTIVITY -> new HeartbeatSlot(attempt, 0, at, 1, at, true);
        case ENDED -> new HeartbeatSlot(attempt, 0, at, 0, null, false);
      };
    }
    return switch (kind) {
      case BEAT ->
          new HeartbeatSlot(
              attempt,
              previous.beatCounter() + 1,
              at,
              previous.activityCounter(),
              previous.activityAt(),
              previous.alive());
      case ACTIVITY ->
          new HeartbeatSlot(
              attempt,
              previous.beatCounter(),
              previous.beatAt(),
              previous.activityCounter() + 1,
              at,
              previous.alive());
      case ENDED ->
          new HeartbeatSlot(
              attempt,
              previous.beatCounter(),
              previous.beatAt(),
              previous.activityCounter(),
              previous.activityAt(),
              false);
    };
  }

  private FileChannel openSlots(RunId runId) throws IOException {
    return FileChannel.open(
        layout.heartbeats(runId),
        Set.<OpenOption>of(
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS),
        io.fileAttributes());
  }

  /** Returns a view valid for the run.json on disk now, or null when the run is unknown. */
  private @Nullable View currentView(RunId runId) {
    if (closed) {
      throw new IllegalStateException("the store is closed");
    }
    Path file = layout.runJson(runId);
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      evict(runId);
      return null;
    }
    View v = views.get(runId);
    if (v != null && v.matches(attrs)) {
      return v;
    }
    return refresh(runId);
  }

  /** Reads run.json anew (another process committed, or first beat of the run here). */
  private @Nullable View refresh(RunId runId) {
    Path file = layout.runJson(runId);
    for (int tries = 0; tries < 3; tries++) {
      FileChannel pin = null;
      try {
        if (!FileIo.requireRealDirectory(layout.runDir(runId))) {
          return null;
        }
        BasicFileAttributes before =
            Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        pin = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        BasicFileAttributes after =
            Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!sameFile(before, after)) {
          closeQuietly(pin);
          continue; // replaced while opening
        }
        byte[] bytes = readAll(pin, file);
        StoredRun run = Codec.decodeRun(bytes, runId);
        View v = new View(runId, pin, after, run.snapshot());
        install(v);
        return v;
      } catch (NoSuchFileException e) {
        closeQuietly(pin);
        evict(runId);
        return null;
      } catch (IOException
          | BadContentException
          | NewerSchemaException
          | FileIo.TooLargeException
          | RuntimeException e) {
        // The fast path never quarantines: load and update report and move corrupt files.
        closeQuietly(pin);
        LOG.log(System.Logger.Level.DEBUG, "heartbeat of run {0} dropped: {1}", runId, e);
        evict(runId);
        return null;
      }
    }
    return null;
  }

  private byte[] readAll(FileChannel ch, Path file) throws IOException, FileIo.TooLargeException {
    long size = ch.size();
    if (size > maxFileBytes) {
      throw new FileIo.TooLargeException(size, maxFileBytes);
    }
    ByteBuffer buf = ByteBuffer.allocate((int) size);
    while (buf.hasRemaining()) {
      if (ch.read(buf, buf.position()) < 0) {
        throw new IOException(file + " shrank while being read");
      }
    }
    return buf.array();
  }

  private static boolean sameFile(BasicFileAttributes a, BasicFileAttributes b) {
    return Objects.equals(a.fileKey(), b.fileKey())
        && a.size() == b.size()
        && a.lastModifiedTime().equals(b.lastModifiedTime());
  }

  /** Called under the run's lock right after this store committed {@code snapshot}. */
  void onCommit(RunId runId, RunSnapshot snapshot) {
    Path file = layout.runJson(runId);
    FileChannel pin = null;
    try {
      pin = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
      BasicFileAttributes attrs =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      install(new View(runId, pin, attrs, snapshot));
    } catch (IOException e) {
      closeQuietly(pin);
      evict(runId);
    }
  }

  private void install(View v) {
    View old = views.put(v.runId, v);
    if (old != null && old != v) {
      // Keep the open slot channel: it is the same heartbeats.bin.
      synchronized (old) {
        FileChannel ch = old.slots;
        old.slots = null;
        if (ch != null && !v.runTerminal) {
          synchronized (v) {
            if (v.slots == null) {
              v.slots = ch;
              ch = null;
            }
          }
        }
        closeQuietly(ch);
        old.closed = true;
        closeQuietly(old.pin);
      }
    }
    if (views.size() > MAX_VIEWS) {
      Iterator<Map.Entry<RunId, View>> it = views.entrySet().iterator();
      while (views.size() > MAX_VIEWS && it.hasNext()) {
        Map.Entry<RunId, View> e = it.next();
        if (e.getValue() != v) {
          it.remove();
          e.getValue().close();
        }
      }
    }
    if (closed) {
      close();
    }
  }

  void evict(RunId runId) {
    View v = views.remove(runId);
    if (v != null) {
      v.close();
    }
  }

  @Override
  public void close() {
    closed = true;
    for (RunId id : List.copyOf(views.keySet())) {
      evict(id);
    }
  }

  private static void closeQuietly(@Nullable FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        LOG.log(System.Logger.Level.DEBUG, "closing channel", e);
      }
    }
  }
}
