package dev.crewrecovery.core.internal.store;

import dev.crewrecovery.api.Lease;
import dev.crewrecovery.api.LeaseLostException;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.StoreIoException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Session leases, one durable document per session ({@code sessions/<id>.json}). The operations on
 * one session are serialized across threads and processes by {@code sessions/<id>.lock}.
 */
final class LeaseFiles {
  private static final System.Logger LOG = System.getLogger(LeaseFiles.class.getName());

  private final Layout layout;
  private final FileIo io;
  private final Documents documents;
  private final DeadletterLog.LockSupplier locks;

  LeaseFiles(Layout layout, FileIo io, Documents documents, DeadletterLog.LockSupplier locks) {
    this.layout = layout;
    this.io = io;
    this.documents = documents;
    this.locks = locks;
  }

  private FileLocks.Held lock(SessionId session) {
    return locks.lock(layout.sessionLock(session), "session " + session);
  }

  private Optional<Lease> readLocked(SessionId session) {
    return Optional.ofNullable(
        documents.read(
            layout.session(session),
            "sessions." + session.value() + ".json",
            b -> Codec.decodeLease(b, session),
            () -> null));
  }

  private void write(Lease lease) {
    Path file = layout.session(lease.session());
    try {
      io.writeDurably(file, Codec.encodeLease(lease));
    } catch (IOException e) {
      throw new StoreIoException("writing " + file + ": " + e, e);
    }
  }

  Lease acquire(SessionId session, Instant now) {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(now, "now");
    try (FileLocks.Held held = lock(session)) {
      long previous = readLocked(session).map(Lease::incarnation).orElse(0L);
      Lease lease = new Lease(session, Math.addExact(previous, 1), now, now, false);
      write(lease);
      return lease;
    }
  }

  Lease renew(SessionId session, long incarnation, Instant now) {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(now, "now");
    try (FileLocks.Held held = lock(session)) {
      Lease current = readLocked(session).orElse(null);
      if (current == null || current.incarnation() != incarnation || current.released()) {
        throw new LeaseLostException(session, incarnation, current);
      }
      Lease renewed = new Lease(session, incarnation, current.acquiredAt(), now, false);
      write(renewed);
      return renewed;
    }
  }

  void release(SessionId session, long incarnation) {
    Objects.requireNonNull(session, "session");
    try (FileLocks.Held held = lock(session)) {
      Lease current = readLocked(session).orElse(null);
      if (current == null || current.incarnation() != incarnation || current.released()) {
        return;
      }
      write(new Lease(session, incarnation, current.acquiredAt(), current.renewedAt(), true));
    }
  }

  Optional<Lease> lease(SessionId session) {
    Objects.requireNonNull(session, "session");
    return Optional.ofNullable(
        documents.read(
            layout.session(session),
            "sessions." + session.value() + ".json",
            b -> Codec.decodeLease(b, session),
            () -> lock(session)));
  }

  List<Lease> all() {
    List<SessionId> ids = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(layout.sessions, "*.json")) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        String id = name.substring(0, name.length() - ".json".length());
        try {
          ids.add(new SessionId(id));
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "ignoring {0}: not a session file", p);
        }
      }
    } catch (IOException e) {
      throw new StoreIoException("listing " + layout.sessions + ": " + e, e);
    }
    ids.sort(null);
    List<Lease> out = new ArrayList<>();
    for (SessionId id : ids) {
      lease(id).ifPresent(out::add);
    }
    return out;
  }

  /** Removes temp files of sessions whose lock is free (open). */
  void cleanTempFiles() {
    try (DirectoryStream<Path> ds =
        Files.newDirectoryStream(layout.sessions, FileIo.TEMP_PREFIX + "*")) {
      for (Path p : ds) {
        // .tmp-<sessionId>.json.<random>
        String name = p.getFileName().toString().substring(FileIo.TEMP_PREFIX.length());
        int json = name.lastIndexOf(".json.");
        SessionId id;
        try {
          id = new SessionId(name.substring(0, Math.max(json, 0)));
        } catch (RuntimeException e) {
          continue;
        }
        try (FileLocks.Held held = FileLocks.tryAcquire(layout.sessionLock(id), io)) {
          if (held != null) {
            FileIo.deleteQuietly(p);
            LOG.log(System.Logger.Level.INFO, "removed leftover temp file {0}", p);
          }
        }
      }
    } catch (IOException e) {
      throw new StoreIoException("cleaning " + layout.sessions + ": " + e, e);
    }
  }
}
