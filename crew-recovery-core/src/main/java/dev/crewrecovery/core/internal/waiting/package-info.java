/**
 * Waiting for runs without polling in the caller (issue 9): one hub per session holds every waiter
 * of {@code awaitRun}/{@code awaitTask} and every run listener, completes them from the store's
 * change feed inside the committing call, from a directory watch of the file store for commits of
 * other processes, and from one periodic re-read as the fallback that never loses a completion. Not
 * exported.
 */
@NullMarked
package dev.crewrecovery.core.internal.waiting;

import org.jspecify.annotations.NullMarked;
