package dev.crewrecovery.core.internal.store;

import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterId;
import dev.crewrecovery.api.DeadletterMark;
import dev.crewrecovery.api.StoreIoException;
import dev.crewrecovery.api.StoredDeadletter;
import dev.crewrecovery.api.UnsupportedSchemaException;
import dev.crewrecovery.api.spi.DeadletterFilter;
import dev.crewrecovery.api.spi.PruneResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code deadletter/entries.jsonl}: entries and marks as JSON lines, one file per store. Appends
 * are forced and made under {@code deadletter/.lock}; an entry whose id exists is not appended
 * again. Pruning rewrites the file durably (lines that cannot be read go to quarantine first, never
 * silently dropped). Readers need no lock: an in-memory index follows the file by reading only what
 * was appended since, and starts over when the file was replaced.
 */
final class DeadletterLog {
  private static final System.Logger LOG = System.getLogger(DeadletterLog.class.getName());

  private final Path file;
  private final Path lockFile;
  private final FileIo io;
  private final Quarantine quarantine;
  private final LockSupplier locks;
  private final long lineCap;

  /** Takes the deadletter lock with the store's bound. */
  interface LockSupplier {
    FileLocks.Held lock(Path lockFile, String what);
  }

  // The index, guarded by this.
  private @Nullable Object key;
  private long offset;
  private Map<DeadletterId, DeadletterEntry> entries = new LinkedHashMap<>();
  private Map<DeadletterId, List<DeadletterMark>> marks = new LinkedHashMap<>();

  DeadletterLog(
      Path file,
      Path lockFile,
      FileIo io,
      Quarantine quarantine,
      LockSupplier locks,
      long lineCap) {
    this.file = file;
    this.lockFile = lockFile;
    this.io = io;
    this.quarantine = quarantine;
    this.locks = locks;
    this.lineCap = lineCap;
  }

  boolean append(DeadletterEntry entry) {
    Objects.requireNonNull(entry, "entry");
    try (FileLocks.Held held = locks.lock(lockFile, "the deadletter file")) {
      synchronized (this) {
        refresh();
        if (entries.containsKey(entry.id())) {
          return false;
        }
        appendLine(Codec.deadletterLine(entry));
        refresh();
        return true;
      }
    } catch (IOException e) {
      throw new StoreIoException("appending to " + file + ": " + e, e);
    }
  }

  boolean mark(DeadletterMark mark) {
    Objects.requireNonNull(mark, "mark");
    try (FileLocks.Held held = locks.lock(lockFile, "the deadletter file")) {
      synchronized (this) {
        refresh();
        if (!entries.containsKey(mark.entry())) {
          return false;
        }
        appendLine(Codec.markLine(mark));
        refresh();
        return true;
      }
    } catch (IOException e) {
      throw new StoreIoException("appending to " + file + ": " + e, e);
    }
  }

  List<StoredDeadletter> list(DeadletterFilter filter) {
    Objects.requireNonNull(filter, "filter");
    synchronized (this) {
      try {
        refresh();
      } catch (IOException e) {
        throw new StoreIoException("reading " + file + ": " + e, e);
      }
      List<StoredDeadletter> out = new ArrayList<>();
      for (DeadletterEntry e : entries.values()) {
        if (filter.matches(e)) {
          out.add(new StoredDeadletter(e, marks.getOrDefault(e.id(), List.of())));
        }
      }
      out.sort(Comparator.comparing(s -> s.entry().at()));
      return out;
    }
  }

  PruneResult prune(Instant now, Duration retention, int capacity, Set<DeadletterId> closed) {
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(retention, "retention");
    Objects.requireNonNull(closed, "closed");
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    try (FileLocks.Held held = locks.lock(lockFile, "the deadletter file")) {
      synchronized (this) {
        refresh();
        Set<DeadletterId> remove = new HashSet<>();
        for (DeadletterEntry e : entries.values()) {
          if (closed.contains(e.id()) && Duration.between(e.at(), now).compareTo(retention) > 0) {
            remove.add(e.id());
          }
        }
        int remaining = entries.size() - remove.size();
        if (remaining > capacity) {
          List<DeadletterEntry> closedLeft = new ArrayList<>();
          for (DeadletterEntry e : entries.values()) {
            if (closed.contains(e.id()) && !remove.contains(e.id())) {
              closedLeft.add(e);
            }
          }
          closedLeft.sort(Comparator.comparing(DeadletterEntry::at));
          for (DeadletterEntry e : closedLeft) {
            if (remaining <= capacity) {
              break;
            }
            remove.add(e.id());
            remaining--;
          }
        }
        if (!remove.isEmpty()) {
          rewriteWithout(remove);
        }
        return new PruneResult(remove.size(), remaining, remaining > capacity);
      }
    } catch (IOException e) {
      throw new StoreIoException("pruning " + file + ": " + e, e);
    }
  }

  /** Called under the lock: puts the file on a line boundary, then forces one more line. */
  private void appendLine(byte[] line) throws IOException {
    if (JsonLines.repairTornTail(file, "deadletter.entries.jsonl.torn", quarantine, io)) {
      key = null; // re-read from the start
    }
    io.appendDurably(file, line);
  }

  private void rewriteWithout(Set<DeadletterId> remove) throws IOException {
    byte[] all;
    try {
      all = FileIo.readCapped(file, Long.MAX_VALUE - 1);
    } catch (FileIo.TooLargeException e) {
      throw new IOException(e.getMessage(), e);
    }
    ByteArrayOutputStream kept = new ByteArrayOutputStream(all.length);
    ByteArrayOutputStream bad = new ByteArrayOutputStream();
    int start = 0;
    for (int i = 0; i < all.length; i++) {
      if (all[i] != '\n') {
        continue;
      }
      int len = i - start;
      boolean keep = true;
      try {
        Codec.DeadletterLine line = Codec.decodeDeadletterLine(all, start, len);
        DeadletterId id =
            line.entry() != null ? line.entry().id() : Objects.requireNonNull(line.mark()).entry();
        keep = !remove.contains(id);
      } catch (BadContentException e) {
        bad.write(all, start, len + 1);
        keep = false;
      } catch (NewerSchemaException e) {
        keep = true; // a newer writer's line is not ours to drop
      }
      if (keep) {
        kept.write(all, start, len + 1);
      }
      start = i + 1;
    }
    if (start < all.length) {
      bad.write(all, start, all.length - start);
    }
    if (bad.size() > 0) {
      quarantine.writeAside(bad.toByteArray(), "deadletter.entries.jsonl.malformed", file);
    }
    io.writeDurably(file, kept.toByteArray());
    key = null;
    refresh();
  }

  /** Brings the index up to date with the file. Caller holds this monitor. */
  private void refresh() throws IOException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      reset(null);
      return;
    }
    Object k = a.fileKey() != null ? a.fileKey() : "no-key";
    if (key == null || !key.equals(k) || a.size() < offset) {
      reset(k);
    }
    if (a.size() == offset) {
      return;
    }
    try {
      offset = readFrom(offset);
    } catch (RuntimeException | IOException e) {
      reset(null); // a half-read tail must not leave duplicate marks behind
      throw e;
    }
  }

  private long readFrom(long from) throws IOException {
    return JsonLines.forEach(
        file,
        from,
        lineCap,
        new JsonLines.Visitor() {
          @Override
          public void line(byte[] buf, int off, int len, long at) {
            Codec.DeadletterLine line;
            try {
              line = Codec.decodeDeadletterLine(buf, off, len);
            } catch (BadContentException e) {
              LOG.log(
                  System.Logger.Level.WARNING,
                  "{0}: skipping unreadable line at byte {1}: {2}",
                  file,
                  at,
                  e.getMessage());
              return;
            } catch (NewerSchemaException e) {
              throw new UnsupportedSchemaException(
                  file + " (line at byte " + at + ")", e.found(), Json.SCHEMA_VERSION);
            }
            DeadletterEntry entry = line.entry();
            if (entry != null) {
              entries.putIfAbsent(entry.id(), entry);
            } else {
              DeadletterMark m = Objects.requireNonNull(line.mark());
              marks.computeIfAbsent(m.entry(), x -> new ArrayList<>()).add(m);
            }
          }

          @Override
          public void tooLong(long at, long length) {
            LOG.log(
                System.Logger.Level.WARNING,
                "{0}: skipping line of {1} bytes at byte {2}: over the cap",
                file,
                length,
                at);
          }
        });
  }

  private void reset(@Nullable Object newKey) {
    key = newKey;
    offset = 0;
    entries = new LinkedHashMap<>();
    marks = new LinkedHashMap<>();
  }
}
