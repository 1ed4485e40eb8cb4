package dev.crewrecovery.core.internal.process;

/**
 * The fields of a Linux {@code /proc/<pid>/stat} line that a probe needs.
 *
 * <p>The line ends with a newline. The second field, {@code comm}, is the executable name in
 * parentheses and may itself contain spaces and parentheses (a process can name itself {@code "a) b
 * ("}), so the line is split at the <em>last</em> {@code ')'}: everything after it is
 * space-separated numbers and the state letter.
 *
 * @param pid field 1, the process id
 * @param comm field 2 without its parentheses
 * @param state field 3, one letter ({@code R}, {@code S}, {@code Z}, ...)
 * @param parentPid field 4
 * @param startTicks field 22, the start time in clock ticks since boot
 */
public record ProcStat(long pid, String comm, char state, long parentPid, long startTicks) {

  /** The 1-based index of the start time in the stat line (proc(5)). */
  public static final int START_TICKS_FIELD = 22;

  /** The 1-based index of the state letter, the first field after {@code comm}. */
  private static final int STATE_FIELD = 3;

  /**
   * Returns whether the process has terminated: a zombie ({@code Z}, exited but not yet reaped by
   * its parent) or dead ({@code X}, being torn down). Neither will ever run again.
   */
  public boolean terminated() {
    return state == 'Z' || state == 'X';
  }

  /**
   * Parses a stat line.
   *
   * @param text the content of {@code /proc/<pid>/stat}
   * @return the parsed fields
   * @throws MalformedStatException if the line does not have the documented shape
   */
  public static ProcStat parse(String text) throws MalformedStatException {
    // The kernel ends the line with a newline; without it the read was cut short and the last
    // number we would parse might be a prefix of the real one.
    if (!text.endsWith("\n")) {
      throw new MalformedStatException("not a complete line: " + excerpt(text));
    }
    int open = text.indexOf('(');
    int close = text.lastIndexOf(')');
    if (open < 0 || close < open) {
      throw new MalformedStatException("no '(comm)' field in " + excerpt(text));
    }
    long pid = number(text.substring(0, open).strip(), "pid", text);
    if (pid <= 0) {
      throw new MalformedStatException("pid must be positive in " + excerpt(text));
    }
    String comm = text.substring(open + 1, close);
    String[] rest = text.substring(close + 1).strip().split(" +", -1);
    int needed = START_TICKS_FIELD - STATE_FIELD + 1;
    if (rest.length < needed) {
      throw new MalformedStatException(
          "expected at least "
              + START_TICKS_FIELD
              + " fields, found "
              + (rest.length + STATE_FIELD - 1)
              + " in "
              + excerpt(text));
    }
    String state = rest[0];
    if (state.length() != 1 || !Character.isLetter(state.charAt(0))) {
      throw new MalformedStatException("state must be one letter in " + excerpt(text));
    }
    long parentPid = number(rest[4 - STATE_FIELD], "parent pid", text);
    long startTicks = number(rest[START_TICKS_FIELD - STATE_FIELD], "start ticks", text);
    return new ProcStat(pid, comm, state.charAt(0), parentPid, startTicks);
  }

  private static long number(String field, String name, String text) throws MalformedStatException {
    if (field.isEmpty() || field.length() > 19) {
      throw new MalformedStatException(name + " is not a number in " + excerpt(text));
    }
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c < '0' || c > '9') {
        throw new MalformedStatException(name + " is not a number in " + excerpt(text));
      }
    }
    try {
      return Long.parseLong(field);
    } catch (NumberFormatException e) {
      throw new MalformedStatException(name + " is out of range in " + excerpt(text));
    }
  }

  private static String excerpt(String text) {
    String oneLine = text.replace('\n', ' ').strip();
    return '"' + (oneLine.length() > 80 ? oneLine.substring(0, 80) + "..." : oneLine) + '"';
  }
}
