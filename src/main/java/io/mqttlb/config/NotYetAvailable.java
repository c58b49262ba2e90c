package io.mqttlb.config;

/**
 * ===== THE ONE PLACE THAT REFUSES PLANNED FEATURES =====
 *
 * <p>Configuration keys that this version recognises but does not implement yet. {@link ConfigLoader}
 * reads and checks their values like any other key, notes each use with {@link #use}, and after
 * everything else has been validated refuses the first use with the problem below, so they are
 * never silently ignored.
 *
 * <p>To lift one: implement the feature, carry its value into the records, and delete its constant
 * here; the compiler then points at the {@code use(...)} call that noted it.
 */
enum NotYetAvailable {
  ; // none at the moment: every key of this version is implemented

  private final String problem;

  NotYetAvailable(String problem) {
    this.problem = problem;
  }

  /** One use of a feature: where the file asked for it. */
  record Use(NotYetAvailable feature, String key) {}

  Use use(String key) {
    return new Use(this, key);
  }

  /** Refuses the first use, if any. */
  static void refuse(String file, Iterable<Use> uses) throws ConfigException {
    for (Use use : uses) {
      throw new ConfigException(file, use.key(), use.feature().problem);
    }
  }
}
