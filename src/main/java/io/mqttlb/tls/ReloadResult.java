package io.mqttlb.tls;

import java.util.List;

/**
 * How a reload of a listener's TLS files ended: loaded (new handshakes present {@link #certificates}),
 * or refused with the {@link #problem} (the previous files stay in use). {@code changed} says whether
 * the files' content differed from what was in use.
 */
public record ReloadResult(boolean loaded, boolean changed, List<CertificateSummary> certificates, String problem) {
  public ReloadResult {
    certificates = List.copyOf(certificates);
  }

  static ReloadResult loaded(boolean changed, List<CertificateSummary> certificates) {
    return new ReloadResult(true, changed, certificates, null);
  }

  static ReloadResult refused(String problem, List<CertificateSummary> stillInUse) {
    return new ReloadResult(false, true, stillInUse, problem);
  }
}
