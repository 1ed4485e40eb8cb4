package dev.crewrecovery.core.internal.logs;

import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Remembers, per log path, the size and modification time last seen and the instant at which the
 * log was last seen growing, "as seen by the reader" (DESIGN section 5): the first time a log is
 * seen, its modification time (clamped to {@code now}); after that, the reader's {@code now} of the
 * first read that found its size or modification time changed, so that a log written on another
 * clock still ages on the configured one. At most {@link #CAPACITY} logs are remembered (the least
 * recently read is forgotten first). Thread-safe.
 */
public final class LogActivity {

  /** The most logs remembered. */
  public static final int CAPACITY = 4096;

  private record Seen(@Nullable Object fileKey, long size, FileTime modified, Instant grewAt) {}

  private final Map<String, Seen> seen =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
          return size() > CAPACITY;
        }
      };

  /**
   * Reads a log's size and modification time and returns when it was last seen growing.
   *
   * @param logPath the recorded log path
   * @param now the reader's wall time, from the configured clock
   * @return the instant, or null when the log cannot be read (see {@link LogTail})
   */
  public @Nullable Instant lastGrowth(String logPath, Instant now) {
    Objects.requireNonNull(logPath, "logPath");
    Objects.requireNonNull(now, "now");
    LogTail.ReadableLog r = LogTail.readable(logPath);
    synchronized (seen) {
      if (r == null) {
        seen.remove(logPath);
        return null;
      }
      Object key = r.attributes().fileKey();
      long size = r.attributes().size();
      FileTime modified = r.attributes().lastModifiedTime();
      Seen before = seen.get(logPath);
      Instant grewAt;
      if (before == null) {
        Instant m = modified.toInstant();
        grewAt = m.isAfter(now) ? now : m;
      } else if (before.size() != size
          || !before.modified().equals(modified)
          || !Objects.equals(before.fileKey(), key)) {
        grewAt = now;
      } else {
        grewAt = before.grewAt();
      }
      seen.put(logPath, new Seen(key, size, modified, grewAt));
      return grewAt;
    }
  }

  /** Returns how many logs are remembered. */
  public int size() {
    synchronized (seen) {
      return seen.size();
    }
  }
}
