package dev.crewrecovery.core.internal.engine;

import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.spi.ProcessProbe;
import dev.crewrecovery.core.SystemProcessProbe;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/** Finds the name of this host, and derives a default session id from it. */
public final class LocalHost {
  private static final int MAX_ID = 128;

  private LocalHost() {}

  /**
   * Returns the host name that refs of this host carry: the {@link SystemProcessProbe}'s host name,
   * else the probe's own view of this JVM's process when it can identify it, else the {@code
   * HOSTNAME} environment variable, else the resolver's local host name, else {@code localhost}.
   *
   * @param probe the probe
   * @return the host name, not blank
   */
  public static String name(ProcessProbe probe) {
    if (probe instanceof SystemProcessProbe system) {
      return system.hostName();
    }
    try {
      Optional<ProcessRef> self = probe.identify(ProcessHandle.current().pid());
      if (self.isPresent()) {
        return self.get().host();
      }
    } catch (RuntimeException e) {
      // A probe that cannot identify this process says nothing about the host name.
    }
    return systemName();
  }

  /**
   * Returns this host's name from the environment or the resolver.
   *
   * @return the host name, not blank
   */
  public static String systemName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    try {
      String n = InetAddress.getLocalHost().getHostName();
      if (n != null && !n.isBlank()) {
        return n;
      }
    } catch (UnknownHostException | SecurityException e) {
      // Fall through to the last resort.
    }
    return "localhost";
  }

  /**
   * Returns a session id text derived from a host name: {@code crew-} plus the name with every
   * character outside {@code [A-Za-z0-9._-]} replaced by {@code -}, runs of dots collapsed, at most
   * 128 characters. The result follows the path-id rule.
   *
   * @param host the host name
   * @return the id text
   */
  public static String sessionIdFor(String host) {
    StringBuilder b = new StringBuilder("crew-");
    char last = '-';
    for (int i = 0; i < host.length() && b.length() < MAX_ID; i++) {
      char c = host.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      char out = ok ? c : '-';
      if (out == '.' && last == '.') {
        continue;
      }
      b.append(out);
      last = out;
    }
    return b.toString().toLowerCase(Locale.ROOT);
  }
}
