package dev.crewrecovery.core.filestore;

import dev.crewrecovery.api.RunId;
import dev.crewrecovery.core.FileRunStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The child JVM of the cross-process tests.
 *
 * <ul>
 *   <li>{@code hold <root> <runId>}: inside an update of the run, prints {@code LOCKED} and waits
 *       for a line on stdin, then commits one increment and exits.
 *   <li>{@code count <root> <runId> <n>}: commits n increments, prints {@code DONE}.
 *   <li>{@code torture <root> <ignored> <base>}: creates runs {@code t-<base>}, {@code t-<base+1>},
 *       ... and updates each a few times, printing {@code ACK <runId> <version>} after every call
 *       returned, until killed.
 *   <li>{@code naive <root> <ignored>}: the negative control, a naive writer that rewrites {@code
 *       <root>/naive.json} in place, printing {@code ACK naive <v>}, until killed.
 * </ul>
 */
public final class StoreChild {
  private StoreChild() {}

  private static void ack(Object what, long version) {
    System.out.println("ACK " + what + " " + version);
    System.out.flush();
  }

  private static void torture(FileRunStore store, int base) {
    for (int r = base; ; r++) {
      RunId id = RunId.of("t-" + r);
      store.create(Runs.queued(id.value(), "a", "b"), java.util.List.of(Runs.event("run.created")));
      ack(id, 1);
      for (int k = 0; k < 5; k++) {
        ack(id, store.update(id, (s, hb) -> Runs.increment(s)).snapshot().version());
      }
      // Runs end terminal (cancelled) so that only the run in flight at the kill stays active and
      // the per-kill check stays small; the in-flight run still exercises the active markers.
      {
        ack(
            id,
            store
                .update(
                    id,
                    (s, hb) ->
                        dev.crewrecovery.api.spi.Update.commit(
                            Runs.withStatus(s, dev.crewrecovery.api.RunStatus.CANCELLED),
                            java.util.List.of(Runs.event("run.cancelled"))))
                .snapshot()
                .version());
      }
    }
  }

  /** Truncates and rewrites the file through a small buffer: no temp file, no rename, no sync. */
  private static void naive(Path root) throws java.io.IOException {
    Path file = root.resolve("naive.json");
    String pad = "x".repeat(8192);
    for (long v = 1; ; v++) {
      byte[] doc = ("{\"v\":" + v + ",\"pad\":\"" + pad + "\"}").getBytes(StandardCharsets.UTF_8);
      try (java.io.OutputStream out =
          new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(file), 64)) {
        out.write(doc);
      }
      ack("naive", v);
    }
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[1]);
    RunId run = RunId.of(args[2]);
    FileRunStore.Options options =
        FileRunStore.Options.builder().lockTimeout(Duration.ofSeconds(120)).build();
    try (FileRunStore store = FileRunStore.open(root, options)) {
      switch (args[0]) {
        case "hold" -> {
          BufferedReader in =
              new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
          store.update(
              run,
              (s, hb) -> {
                System.out.println("LOCKED");
                System.out.flush();
                try {
                  in.readLine();
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
                return Runs.increment(s);
              });
        }
        case "count" -> {
          int n = Integer.parseInt(args[3]);
          for (int i = 0; i < n; i++) {
            store.update(run, (s, hb) -> Runs.increment(s));
          }
          System.out.println("DONE");
        }
        case "torture" -> torture(store, Integer.parseInt(args[3]));
        case "naive" -> naive(root);
        default -> throw new IllegalArgumentException(args[0]);
      }
    }
    System.out.flush();
  }
}
