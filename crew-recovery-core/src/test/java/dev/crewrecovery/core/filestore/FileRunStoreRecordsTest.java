package dev.crewrecovery.core.filestore;

import static dev.crewrecovery.core.filestore.Runs.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.CorruptStateException;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterId;
import dev.crewrecovery.api.DeadletterMark;
import dev.crewrecovery.api.DeadletterReason;
import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.DeliveryKind;
import dev.crewrecovery.api.Lease;
import dev.crewrecovery.api.LeaseLostException;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.StoredDeadletter;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.UnsupportedSchemaException;
import dev.crewrecovery.api.spi.DeadletterFilter;
import dev.crewrecovery.api.spi.PruneResult;
import dev.crewrecovery.core.FileRunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRunStoreRecordsTest {
  private static final SessionId S = SessionId.of("host-a");
  private static final RunId R = RunId.of("r1");

  @TempDir Path root;

  // ------------------------------------------------------------------ leases

  @Test
  void leasesAcquireRenewReleaseAcrossInstances() {
    try (FileRunStore store = Runs.open(root)) {
      Lease first = store.acquireLease(S, T0);
      assertThat(first).isEqualTo(new Lease(S, 1, T0, T0, false));
      Lease renewed = store.renewLease(S, 1, T0.plusSeconds(100)); // late renewals are fine
      assertThat(renewed.renewedAt()).isEqualTo(T0.plusSeconds(100));
      assertThat(renewed.acquiredAt()).isEqualTo(T0);
      try (FileRunStore other = Runs.open(root)) {
        assertThat(other.lease(S)).contains(renewed);
        Lease second = other.acquireLease(S, T0.plusSeconds(200));
        assertThat(second.incarnation()).isEqualTo(2);
      }
      assertThatThrownBy(() -> store.renewLease(S, 1, T0.plusSeconds(300)))
          .isInstanceOfSatisfying(
              LeaseLostException.class, e -> assertThat(e.current().incarnation()).isEqualTo(2));
      store.releaseLease(S, 1); // not ours any more: nothing happens
      assertThat(store.lease(S).orElseThrow().released()).isFalse();
      store.releaseLease(S, 2);
      assertThat(store.lease(S).orElseThrow().released()).isTrue();
      assertThatThrownBy(() -> store.renewLease(S, 2, T0)).isInstanceOf(LeaseLostException.class);
      assertThat(store.acquireLease(S, T0).incarnation()).isEqualTo(3);
      store.acquireLease(SessionId.of("b-host"), T0);
      assertThat(store.leases())
          .extracting(Lease::session)
          .containsExactly(SessionId.of("b-host"), S);
      assertThat(store.lease(SessionId.of("nobody"))).isEmpty();
      assertThatThrownBy(() -> store.renewLease(SessionId.of("nobody"), 1, T0))
          .isInstanceOf(LeaseLostException.class);
    }
  }

  @Test
  void corruptLeaseIsQuarantinedNewerLeaseLeftAlone() throws Exception {
    try (FileRunStore store = Runs.open(root)) {
      store.acquireLease(S, T0);
      Path file = root.resolve("sessions/host-a.json");
      Files.writeString(file, "{\"schemaVersion\":1,\"session\":\"host-a\"");
      assertThatThrownBy(() -> store.lease(S))
          .isInstanceOfSatisfying(
              CorruptStateException.class,
              e -> {
                assertThat(e.location()).endsWith("host-a.json");
                assertThat(e.quarantinedTo()).contains("quarantine");
              });
      assertThat(file).doesNotExist();
      store.acquireLease(S, T0);
      String newer =
          Files.readString(file).replace("\"schemaVersion\" : 1", "\"schemaVersion\" : 7");
      Files.writeString(file, newer);
      assertThatThrownBy(() -> store.acquireLease(S, T0))
          .isInstanceOf(UnsupportedSchemaException.class);
      assertThat(Files.readString(file)).isEqualTo(newer);
    }
  }

  // ------------------------------------------------------------------ deadletters

  private static DeadletterEntry taskEntry(int attempt, DeadletterReason reason, int ageDays) {
    return DeadletterEntry.forAttempt(
        AttemptId.of(R, TaskId.of("a"), attempt),
        reason,
        "err",
        T0.minus(Duration.ofDays(ageDays)),
        1);
  }

  @Test
  void deadlettersAreIdempotentFilteredAndMarked() {
    try (FileRunStore store = Runs.open(root)) {
      DeadletterEntry e1 = taskEntry(1, DeadletterReason.MAX_RETRIES, 3);
      DeadletterEntry e2 = taskEntry(2, DeadletterReason.HEARTBEAT_DEAD, 1);
      DeadletterEntry e3 =
          DeadletterEntry.forDelivery(RunId.of("r2"), DeliveryId.of("d1"), "refused", T0, 0);
      assertThat(store.appendDeadletter(e2)).isTrue();
      assertThat(store.appendDeadletter(e1)).isTrue();
      assertThat(store.appendDeadletter(e1)).isFalse();
      assertThat(store.appendDeadletter(e3)).isTrue();
      assertThat(store.deadletters(DeadletterFilter.all()))
          .extracting(StoredDeadletter::entry)
          .containsExactly(e1, e2, e3); // oldest first
      assertThat(store.deadletters(DeadletterFilter.ofRun(R))).hasSize(2);
      assertThat(
              store.deadletters(
                  new DeadletterFilter(null, null, DeadletterReason.DELIVERY_FAILED, null, null)))
          .extracting(StoredDeadletter::entry)
          .containsExactly(e3);
      DeadletterMark m = new DeadletterMark(e1.id(), DeadletterMark.Kind.DISCARD, T0, "noise");
      assertThat(store.markDeadletter(m)).isTrue();
      assertThat(
              store.markDeadletter(
                  new DeadletterMark(
                      DeadletterId.of("dl-none"), DeadletterMark.Kind.REDRIVE, T0, "")))
          .isFalse();
      try (FileRunStore other = Runs.open(root)) {
        StoredDeadletter d = other.deadletters(DeadletterFilter.ofRun(R)).get(0);
        assertThat(d.marks()).containsExactly(m);
        assertThat(d.hasMark(DeadletterMark.Kind.DISCARD)).isTrue();
        // appends of another instance are seen by the first one's index
        other.appendDeadletter(taskEntry(3, DeadletterReason.NON_RETRYABLE, 0));
      }
      assertThat(store.deadletters(DeadletterFilter.all())).hasSize(4);
      assertThat(store.appendDeadletter(taskEntry(3, DeadletterReason.NON_RETRYABLE, 0))).isFalse();
    }
  }

  @Test
  void pruneRemovesOldClosedEntriesThenOldestClosedOverCapacityNeverOpenOnes() {
    try (FileRunStore store = Runs.open(root)) {
      DeadletterEntry old1 = taskEntry(1, DeadletterReason.MAX_RETRIES, 40);
      DeadletterEntry old2 = taskEntry(2, DeadletterReason.MAX_RETRIES, 35);
      DeadletterEntry recent1 = taskEntry(3, DeadletterReason.MAX_RETRIES, 5);
      DeadletterEntry recent2 = taskEntry(4, DeadletterReason.MAX_RETRIES, 4);
      DeadletterEntry open1 = taskEntry(5, DeadletterReason.MAX_RETRIES, 50);
      DeadletterEntry open2 = taskEntry(6, DeadletterReason.MAX_RETRIES, 1);
      for (DeadletterEntry e : List.of(old1, old2, recent1, recent2, open1, open2)) {
        store.appendDeadletter(e);
      }
      store.markDeadletter(new DeadletterMark(old1.id(), DeadletterMark.Kind.DISCARD, T0, "x"));
      store.markDeadletter(new DeadletterMark(recent2.id(), DeadletterMark.Kind.REDRIVE, T0, "y"));
      Set<DeadletterId> closed = Set.of(old1.id(), old2.id(), recent1.id(), recent2.id());

      PruneResult r = store.pruneDeadletters(T0, Duration.ofDays(30), 3, closed);
      assertThat(r).isEqualTo(new PruneResult(3, 3, false));
      assertThat(store.deadletters(DeadletterFilter.all()))
          .extracting(StoredDeadletter::entry)
          .containsExactly(open1, recent2, open2);
      assertThat(store.deadletters(DeadletterFilter.all()).get(1).marks()).hasSize(1);

      PruneResult over = store.pruneDeadletters(T0, Duration.ofDays(30), 1, closed);
      assertThat(over).isEqualTo(new PruneResult(1, 2, true));
      assertThat(store.deadletters(DeadletterFilter.all()))
          .extracting(StoredDeadletter::entry)
          .containsExactly(open1, open2);
      assertThatThrownBy(() -> store.pruneDeadletters(T0, Duration.ofDays(1), 0, closed))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void unreadableDeadletterLinesAreSkippedAndKeptThroughAPrune() throws Exception {
    try (FileRunStore store = Runs.open(root)) {
      DeadletterEntry e1 = taskEntry(1, DeadletterReason.MAX_RETRIES, 40);
      store.appendDeadletter(e1);
      Path file = root.resolve("deadletter/entries.jsonl");
      Files.writeString(file, "garbage line\n", StandardOpenOption.APPEND);
      DeadletterEntry e2 = taskEntry(2, DeadletterReason.MAX_RETRIES, 1);
      store.appendDeadletter(e2);
      Files.writeString(file, "{\"torn", StandardOpenOption.APPEND);
      assertThat(store.deadletters(DeadletterFilter.all())).hasSize(2);
      DeadletterEntry e3 = taskEntry(3, DeadletterReason.MAX_RETRIES, 1);
      assertThat(store.appendDeadletter(e3)).isTrue(); // after the torn tail was moved aside
      store.pruneDeadletters(T0, Duration.ofDays(30), 100, Set.of(e1.id()));
      assertThat(store.deadletters(DeadletterFilter.all()))
          .extracting(StoredDeadletter::entry)
          .containsExactly(e2, e3);
      try (var q = Files.list(root.resolve("quarantine"))) {
        List<String> names = q.map(p -> p.getFileName().toString()).sorted().toList();
        assertThat(names).hasSize(2);
        assertThat(names.get(0)).startsWith("deadletter.entries.jsonl.malformed.");
        assertThat(names.get(1)).startsWith("deadletter.entries.jsonl.torn.");
      }
    }
  }

  // ------------------------------------------------------------------ deliveries

  private static Delivery delivery(String id, int failed) {
    return new Delivery(
        DeliveryId.of(id),
        DeliveryKind.RESULT,
        R,
        SessionId.of("host-a"),
        "payload " + id,
        T0,
        3,
        failed);
  }

  @Test
  void persistedDeliveriesKeepTheirFirstEnqueueOrderAndSurviveARestart() {
    try (FileRunStore store = Runs.open(root)) {
      assertThat(store.enqueueDelivery(delivery("z", 0))).isTrue();
      assertThat(store.enqueueDelivery(delivery("a", 0))).isTrue();
      assertThat(store.enqueueDelivery(delivery("m", 0))).isTrue();
      assertThat(store.enqueueDelivery(delivery("z", 1))).isFalse(); // replaced in place
    }
    try (FileRunStore store = Runs.open(root)) {
      assertThat(store.pendingDeliveries())
          .containsExactly(delivery("z", 1), delivery("a", 0), delivery("m", 0));
      store.markDelivered(DeliveryId.of("a"), T0.plusSeconds(10));
      assertThat(store.removeDelivery(DeliveryId.of("m"))).isTrue();
      assertThat(store.removeDelivery(DeliveryId.of("m"))).isFalse();
      assertThat(store.pendingDeliveries()).containsExactly(delivery("z", 1));
      assertThat(store.deliveredSince(DeliveryId.of("a"), T0.plusSeconds(10))).isTrue();
      assertThat(store.deliveredSince(DeliveryId.of("a"), T0.plusSeconds(11))).isFalse();
      assertThat(store.deliveredSince(DeliveryId.of("m"), T0)).isFalse();
      assertThat(store.enqueueDelivery(delivery("b", 0))).isTrue();
      assertThat(store.pendingDeliveries())
          .extracting(d -> d.id().value())
          .containsExactly("z", "b");
    }
  }

  @Test
  void deliveriesInMemoryWhenNotPersisted() {
    FileRunStore.Options memory = Runs.options().persistDeliveries(false).build();
    try (FileRunStore store = FileRunStore.open(root, memory)) {
      store.enqueueDelivery(delivery("z", 0));
      store.enqueueDelivery(delivery("a", 0));
      store.enqueueDelivery(delivery("z", 2));
      assertThat(store.pendingDeliveries()).containsExactly(delivery("z", 2), delivery("a", 0));
      store.markDelivered(DeliveryId.of("z"), T0);
      assertThat(store.deliveredSince(DeliveryId.of("z"), T0)).isTrue();
    }
    try (FileRunStore store = FileRunStore.open(root, memory)) {
      assertThat(store.pendingDeliveries()).isEmpty();
    }
  }

  @Test
  void deliveredLogIsCompactedKeepingTheRetention() throws Exception {
    FileRunStore.Options opts =
        Runs.options()
            .fsync(false)
            .maxFileBytes(FileRunStore.Options.MIN_MAX_FILE_BYTES) // compacts past 4 KiB
            .deliveredRetention(Duration.ofHours(1))
            .build();
    try (FileRunStore store = FileRunStore.open(root, opts)) {
      store.markDelivered(DeliveryId.of("ancient"), T0);
      Path log = root.resolve("deliveries/delivered.jsonl");
      // about 30 KiB of delivered lines, three hours later: all within the retention
      for (int i = 0; i < 500; i++) {
        store.markDelivered(DeliveryId.of("d" + i), T0.plus(Duration.ofHours(3)));
      }
      assertThat(Files.readString(log)).doesNotContain("ancient");
      assertThat(Files.readString(log).lines().count()).isEqualTo(500);
      assertThat(store.deliveredSince(DeliveryId.of("d499"), T0)).isTrue();
      assertThat(store.deliveredSince(DeliveryId.of("d0"), T0)).isTrue();
      assertThat(store.deliveredSince(DeliveryId.of("ancient"), T0)).isFalse();
    }
  }
}
