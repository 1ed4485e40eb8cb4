package dev.crewrecovery.api;

import static dev.crewrecovery.api.Fixtures.OWNER;
import static dev.crewrecovery.api.Fixtures.RUN;
import static dev.crewrecovery.api.Fixtures.SESSION;
import static dev.crewrecovery.api.Fixtures.T0;
import static dev.crewrecovery.api.Fixtures.at;
import static dev.crewrecovery.api.Fixtures.fullManifest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ManifestTest {

  private static Manifest withCollections(List<ResumeRecord> history, Map<String, String> attrs) {
    return new Manifest(
        RUN, RunStatus.RUNNING, OWNER, 1, T0, T0, null, null, null, null, history, null, attrs);
  }

  @Test
  void createdIsQueuedAtEpochOneWithoutExtras() {
    Manifest m = Manifest.created(RUN, OWNER, T0);
    assertThat(m.runId()).isEqualTo(RUN);
    assertThat(m.status()).isEqualTo(RunStatus.QUEUED);
    assertThat(m.owner()).isEqualTo(OWNER);
    assertThat(m.epoch()).isEqualTo(1);
    assertThat(m.createdAt()).isEqualTo(T0);
    assertThat(m.updatedAt()).isEqualTo(T0);
    assertThat(m.runner()).isNull();
    assertThat(m.runnerVouchedBy()).isNull();
    assertThat(m.runnerLogPath()).isNull();
    assertThat(m.approval()).isNull();
    assertThat(m.resumeHistory()).isEmpty();
    assertThat(m.summary()).isNull();
    assertThat(m.attributes()).isEmpty();
    assertThat(Manifest.created(RUN, null, T0).owner()).isNull();
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, Long.MIN_VALUE})
  void epochBelowOneIsRejected(long epoch) {
    Manifest.Builder b = Manifest.created(RUN, OWNER, T0).toBuilder().epoch(epoch);
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("epoch")
        .hasMessageContaining(String.valueOf(epoch));
  }

  @ParameterizedTest
  @EnumSource(RunStatus.class)
  void onlyABlockedRunCarriesAnApprovalMarker(RunStatus status) {
    Manifest.Builder b =
        Manifest.created(RUN, OWNER, T0).toBuilder()
            .status(status)
            .approval(new ApprovalMarker(T0, ApprovalState.PENDING));
    if (status == RunStatus.BLOCKED) {
      assertThat(b.build().approval()).isNotNull();
    } else {
      assertThatThrownBy(b::build)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(status.name())
          .hasMessageContaining("approval");
    }
    // Without a marker every status is fine.
    assertThat(b.approval(null).build().status()).isEqualTo(status);
  }

  @Test
  void collectionsAreCopiedOnTheWayIn() {
    List<ResumeRecord> history = new ArrayList<>(List.of(new ResumeRecord(T0, SESSION, 1, 2)));
    Map<String, String> attrs = new HashMap<>(Map.of("a", "1"));
    Manifest m = withCollections(history, attrs);
    history.add(new ResumeRecord(at(1), SESSION, 2, 3));
    history.clear();
    attrs.put("b", "2");
    attrs.remove("a");
    assertThat(m.resumeHistory()).containsExactly(new ResumeRecord(T0, SESSION, 1, 2));
    assertThat(m.attributes()).containsExactly(Map.entry("a", "1"));
  }

  @Test
  void returnedCollectionsAreUnmodifiable() {
    Manifest m = fullManifest();
    assertThatThrownBy(() -> m.resumeHistory().add(new ResumeRecord(T0, SESSION, 1, 1)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> m.resumeHistory().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> m.attributes().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> m.attributes().remove("k"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> m.attributes().entrySet().iterator().next().setValue("w"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void attributesKeepInsertionOrderAndRejectNullKeysOrValues() {
    Map<String, String> attrs = new LinkedHashMap<>();
    attrs.put("zeta", "1");
    attrs.put("alpha", "2");
    attrs.put("mid", "3");
    assertThat(withCollections(List.of(), attrs).attributes().keySet())
        .containsExactly("zeta", "alpha", "mid");
    Map<String, String> nullValue = new HashMap<>();
    nullValue.put("k", null);
    assertThatThrownBy(() -> withCollections(List.of(), nullValue))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("attributes")
        .hasMessageContaining("k");
    Map<String, String> nullKey = new HashMap<>();
    nullKey.put(null, "v");
    assertThatThrownBy(() -> withCollections(List.of(), nullKey))
        .isInstanceOf(NullPointerException.class);
    List<ResumeRecord> nullElement = new ArrayList<>();
    nullElement.add(null);
    assertThatThrownBy(() -> withCollections(nullElement, Map.of()))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void builderRoundTripsEveryComponent() {
    Manifest m = fullManifest();
    Manifest copy = m.toBuilder().build();
    assertThat(copy).isEqualTo(m).hasSameHashCodeAs(m);
    assertThat(Manifest.created(RUN, null, T0).toBuilder().build())
        .isEqualTo(Manifest.created(RUN, null, T0));
  }

  @Test
  void builderSettersChangeOnlyTheirComponents() {
    Manifest m = fullManifest();
    ProcessRef runner = ProcessRef.portable(9, "h", T0);
    Owner other = new Owner(SessionId.of("other"), 1);
    Manifest changed =
        m.toBuilder()
            .runId(RunId.of("copied"))
            .status(RunStatus.RUNNING)
            .approval(null)
            .owner(other)
            .epoch(9)
            .createdAt(at(1))
            .updatedAt(at(2))
            .runner(runner, null, "/log")
            .resumeHistory(List.of())
            .summary("s")
            .attributes(Map.of("x", "y"))
            .build();
    assertThat(changed)
        .isEqualTo(
            new Manifest(
                RunId.of("copied"),
                RunStatus.RUNNING,
                other,
                9,
                at(1),
                at(2),
                runner,
                null,
                "/log",
                null,
                List.of(),
                "s",
                Map.of("x", "y")));
    // The original is untouched.
    assertThat(m).isEqualTo(fullManifest());
  }

  @Test
  void builderCopiesTheCollectionsItIsGiven() {
    List<ResumeRecord> history = new ArrayList<>();
    Map<String, String> attrs = new HashMap<>();
    Manifest.Builder b = fullManifest().toBuilder().resumeHistory(history).attributes(attrs);
    Manifest built = b.build();
    history.add(new ResumeRecord(T0, SESSION, 1, 1));
    attrs.put("late", "x");
    assertThat(built.resumeHistory()).isEmpty();
    assertThat(built.attributes()).isEmpty();
  }

  @Test
  void equalManifestsWithDifferentMapImplementationsAreEqual() {
    Map<String, String> linked = new LinkedHashMap<>();
    linked.put("a", "1");
    linked.put("b", "2");
    assertThat(withCollections(List.of(), linked))
        .isEqualTo(withCollections(List.of(), Map.of("b", "2", "a", "1")));
  }
}
