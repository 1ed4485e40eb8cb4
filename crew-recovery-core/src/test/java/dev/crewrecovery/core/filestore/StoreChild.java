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
 * </ul>
 */
public final class StoreChild {
  private StoreChild() {}

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
        default -> throw new IllegalArgumentException(args[0]);
      }
    }
    System.out.flush();
  }
}
