package dev.crewrecovery.api;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A committed state of a run: manifest, ordered tasks and version. Every commit through {@code
 * RunStore.update} increments the version by one; {@code create} commits version 1.
 *
 * @param version the committed version, at least 1
 * @param manifest the run-level state
 * @param tasks the tasks, in their fixed order (tasks may only be appended)
 */
public record RunSnapshot(long version, Manifest manifest, List<TaskState> tasks) {

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if {@code version < 1}, a task id repeats, or an attempt names
   *     another run
   */
  public RunSnapshot {
    if (version < 1) {
      throw new IllegalArgumentException("version must be at least 1, was " + version);
    }
    Objects.requireNonNull(manifest, "manifest");
    tasks = Checks.copy(tasks, "tasks");
    Set<TaskId> seen = new HashSet<>();
    for (TaskState t : tasks) {
      if (!seen.add(t.id())) {
        throw new IllegalArgumentException(
            "run " + manifest.runId() + " lists task " + t.id() + " twice");
      }
      for (Attempt a : t.attempts()) {
        if (!a.id().runId().equals(manifest.runId())) {
          throw new IllegalArgumentException(
              "task " + t.id() + " of run " + manifest.runId() + " has attempt " + a.id());
        }
      }
    }
  }

  /**
   * Returns the snapshot of a new run, at version 1.
   *
   * @param manifest the manifest
   * @param tasks the tasks
   * @return the snapshot
   */
  public static RunSnapshot initial(Manifest manifest, List<TaskState> tasks) {
    return new RunSnapshot(1, manifest, tasks);
  }

  /** Returns the run id. */
  public RunId runId() {
    return manifest.runId();
  }

  /** Returns the run status. */
  public RunStatus status() {
    return manifest.status();
  }

  /** Returns the task with this id, if the run has one. */
  public Optional<TaskState> task(TaskId id) {
    for (TaskState t : tasks) {
      if (t.id().equals(id)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** Returns a copy with another manifest (same version). */
  public RunSnapshot withManifest(Manifest newManifest) {
    return new RunSnapshot(version, newManifest, tasks);
  }

  /** Returns a copy with other tasks (same version). */
  public RunSnapshot withTasks(List<TaskState> newTasks) {
    return new RunSnapshot(version, manifest, newTasks);
  }

  /**
   * Returns a copy with one task replaced by the task of the same id (same version).
   *
   * @param task the new state of a task this run has
   * @return the copy
   * @throws IllegalArgumentException if the run has no task with that id
   */
  public RunSnapshot withTask(TaskState task) {
    List<TaskState> copy = new ArrayList<>(tasks);
    for (int i = 0; i < copy.size(); i++) {
      if (copy.get(i).id().equals(task.id())) {
        copy.set(i, task);
        return new RunSnapshot(version, manifest, copy);
      }
    }
    throw new IllegalArgumentException("run " + runId() + " has no task " + task.id());
  }

  /** Returns a copy at another version (used by stores when committing). */
  public RunSnapshot withVersion(long newVersion) {
    return new RunSnapshot(newVersion, manifest, tasks);
  }
}
