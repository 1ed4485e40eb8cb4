package dev.crewrecovery.core.internal.store;

import dev.crewrecovery.api.CorruptStateException;
import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.StoreIoException;
import dev.crewrecovery.api.UnsupportedSchemaException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Persisted deliveries: {@code deliveries/<id>.json} per pending item (with the order in which it
 * was first enqueued, from the counter {@code deliveries/.sequence}), and {@code
 * deliveries/delivered.jsonl} for de-duplication. Writes are durable and serialized by {@code
 * deliveries/.lock}. Marking delivered appends the id before removing the pending file, so a crash
 * in between yields at most one duplicate, never a loss. The delivered log is compacted when it
 * grows past a sixteenth of the size cap (1 MiB by default), keeping ids delivered within the
 * retention; the next compaction waits until the log doubled.
 */
final class FileDeliveries implements DeliveryStore {
  private static final System.Logger LOG = System.getLogger(FileDeliveries.class.getName());

  private final Layout layout;
  private final FileIo io;
  private final Documents documents;
  private final Quarantine quarantine;
  private final DeadletterLog.LockSupplier locks;
  private final long lineCap;
  private final Duration retention;
  private final long compactBytes;
  private long compactAt; // guarded by the deliveries lock (and this)

  FileDeliveries(
      Layout layout,
      FileIo io,
      Documents documents,
      Quarantine quarantine,
      DeadletterLog.LockSupplier locks,
      long lineCap,
      Duration retention) {
    this.layout = layout;
    this.io = io;
    this.documents = documents;
    this.quarantine = quarantine;
    this.locks = locks;
    this.lineCap = lineCap;
    this.retention = retention;
    this.compactBytes = Math.max(4096, lineCap / 16);
    this.compactAt = compactBytes;
  }

  private FileLocks.Held lock() {
    return locks.lock(layout.deliveriesLock(), "the deliveries");
  }

  private Codec.@org.jspecify.annotations.Nullable PendingDelivery read(
      DeliveryId id, boolean locked) {
    return documents.read(
        layout.delivery(id),
        "deliveries." + id.value() + ".json",
        b -> Codec.decodeDelivery(b, id),
        () -> locked ? null : lock());
  }

  @Override
  public boolean enqueue(Delivery delivery) {
    Objects.requireNonNull(delivery, "delivery");
    try (FileLocks.Held held = lock()) {
      Codec.PendingDelivery existing;
      try {
        existing = read(delivery.id(), true);
      } catch (UnsupportedSchemaException e) {
        throw e;
      } catch (CorruptStateException e) {
        LOG.log(System.Logger.Level.WARNING, "replacing a corrupt pending delivery: {0}", e);
        existing = null;
      }
      long seq = existing != null ? existing.seq() : nextSequence();
      io.writeDurably(
          layout.delivery(delivery.id()),
          Codec.encodeDelivery(new Codec.PendingDelivery(seq, delivery)));
      return existing == null;
    } catch (IOException e) {
      throw new StoreIoException("writing delivery " + delivery.id() + ": " + e, e);
    }
  }

  /** Returns the next enqueue number. Caller holds the lock. */
  private long nextSequence() throws IOException {
    Long last;
    try {
      last =
          documents.read(
              layout.deliverySequence(),
              "deliveries.sequence",
              b -> Codec.decodeNumber(b, "last"),
              () -> null);
    } catch (UnsupportedSchemaException e) {
      throw e;
    } catch (CorruptStateException e) {
      LOG.log(System.Logger.Level.WARNING, "recomputing the delivery counter: {0}", e);
      last = null;
    }
    long next;
    if (last == null) {
      long max = 0;
      for (Codec.PendingDelivery p : readAll(true)) {
        max = Math.max(max, p.seq());
      }
      next = max + 1;
    } else {
      next = last + 1;
    }
    io.writeDurably(layout.deliverySequence(), Codec.encodeNumber("last", next));
    return next;
  }

  @Override
  public List<Delivery> pending() {
    List<Delivery> out = new ArrayList<>();
    for (Codec.PendingDelivery p : readAll(false)) {
      out.add(p.delivery());
    }
    return out;
  }

  private List<Codec.PendingDelivery> readAll(boolean locked) {
    List<DeliveryId> ids = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(layout.deliveries, "*.json")) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        try {
          ids.add(new DeliveryId(name.substring(0, name.length() - ".json".length())));
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "ignoring {0}: not a delivery file", p);
        }
      }
    } catch (IOException e) {
      throw new StoreIoException("listing " + layout.deliveries + ": " + e, e);
    }
    List<Codec.PendingDelivery> out = new ArrayList<>();
    for (DeliveryId id : ids) {
      Codec.PendingDelivery p = read(id, locked);
      if (p != null) {
        out.add(p);
      }
    }
    out.sort(
        Comparator.comparingLong(Codec.PendingDelivery::seq).thenComparing(p -> p.delivery().id()));
    return out;
  }

  @Override
  public void markDelivered(DeliveryId id, Instant now) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(now, "now");
    Path log = layout.deliveredLog();
    try (FileLocks.Held held = lock()) {
      JsonLines.repairTornTail(log, "deliveries.delivered.jsonl.torn", quarantine, io);
      io.appendDurably(log, Codec.deliveredLine(id, now));
      io.deleteFile(layout.delivery(id));
      synchronized (this) {
        if (Files.size(log) > compactAt) {
          compact(log, now);
          // When everything is within the retention, compacting again soon would gain nothing.
          compactAt = Math.max(compactBytes, 2 * Files.size(log));
        }
      }
    } catch (IOException e) {
      throw new StoreIoException("marking delivery " + id + " delivered: " + e, e);
    }
  }

  private void compact(Path log, Instant now) throws IOException {
    Map<DeliveryId, Instant> latest = new HashMap<>();
    ByteArrayOutputStream bad = new ByteArrayOutputStream();
    JsonLines.forEach(
        log,
        0,
        lineCap,
        new JsonLines.Visitor() {
          @Override
          public void line(byte[] buf, int off, int len, long offset) {
            try {
              Codec.Delivered d = Codec.decodeDeliveredLine(buf, off, len);
              latest.merge(d.id(), d.at(), (a, b) -> a.isAfter(b) ? a : b);
            } catch (BadContentException | NewerSchemaException e) {
              bad.write(buf, off, len);
              bad.write('\n');
            }
          }

          @Override
          public void tooLong(long offset, long length) {
            LOG.log(System.Logger.Level.WARNING, "{0}: dropping over-long line", log);
          }
        });
    if (bad.size() > 0) {
      quarantine.writeAside(bad.toByteArray(), "deliveries.delivered.jsonl.malformed", log);
    }
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    latest.entrySet().stream()
        .filter(e -> Duration.between(e.getValue(), now).compareTo(retention) <= 0)
        .sorted(Map.Entry.comparingByValue())
        .forEach(e -> kept.writeBytes(Codec.deliveredLine(e.getKey(), e.getValue())));
    io.writeDurably(log, kept.toByteArray());
  }

  @Override
  public boolean remove(DeliveryId id) {
    Objects.requireNonNull(id, "id");
    try (FileLocks.Held held = lock()) {
      return io.deleteFile(layout.delivery(id));
    } catch (IOException e) {
      throw new StoreIoException("removing delivery " + id + ": " + e, e);
    }
  }

  @Override
  public boolean deliveredSince(DeliveryId id, Instant since) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(since, "since");
    boolean[] found = {false};
    try {
      JsonLines.forEach(
          layout.deliveredLog(),
          0,
          lineCap,
          new JsonLines.Visitor() {
            @Override
            public void line(byte[] buf, int off, int len, long offset) {
              try {
                Codec.Delivered d = Codec.decodeDeliveredLine(buf, off, len);
                if (d.id().equals(id) && !d.at().isBefore(since)) {
                  found[0] = true;
                }
              } catch (BadContentException | NewerSchemaException e) {
                // an unreadable line de-duplicates nothing
              }
            }

            @Override
            public void tooLong(long offset, long length) {}

            @Override
            public boolean done() {
              return found[0];
            }
          });
    } catch (IOException e) {
      throw new StoreIoException("reading " + layout.deliveredLog() + ": " + e, e);
    }
    return found[0];
  }

  @Override
  public void cleanTempFiles() {
    try (FileLocks.Held held = FileLocks.tryAcquire(layout.deliveriesLock(), io)) {
      if (held != null) {
        io.deleteTempFiles(layout.deliveries);
      }
    } catch (IOException e) {
      throw new StoreIoException("cleaning " + layout.deliveries + ": " + e, e);
    }
  }
}
