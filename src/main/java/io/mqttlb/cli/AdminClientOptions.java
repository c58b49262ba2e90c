package io.mqttlb.cli;

import io.mqttlb.config.CaFile;
import io.mqttlb.pem.PemException;
import io.mqttlb.pem.PemFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options every admin client command takes ({@code --admin}, {@code --token}, {@code --json},
 * {@code --cacert}),
 * mixed into each command with {@code @Mixin}, and the frame such a command runs in: it connects,
 * prints what the call produced on the command's out, or prints the failure as one
 * {@code mqttlb: ...} line on its err. Output goes through picocli's writers so that tests and
 * embedding code can capture it.
 */
final class AdminClientOptions {
  static final String DEFAULT_ADMIN_URL = "http://127.0.0.1:8080";
  static final String TOKEN_VARIABLE = "MQTTLB_ADMIN_TOKEN";

  /** One admin exchange: calls the node and returns the text to print. */
  @FunctionalInterface
  interface Exchange {
    String run(AdminClient client) throws AdminCallFailed;
  }

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(names = "--admin", paramLabel = "URL", defaultValue = DEFAULT_ADMIN_URL,
      description = "Admin API of a node (default ${DEFAULT-VALUE}).")
  String adminUrl;

  // The default is read from the environment, never shown in help: it is a secret.
  @Option(names = "--token", paramLabel = "T", defaultValue = "${env:" + TOKEN_VARIABLE + "}",
      description = "Bearer token of the admin API (default: env " + TOKEN_VARIABLE + ", which keeps it out of ps).")
  String token;

  @Option(names = "--json", description = "Print the node's JSON answer as it came, for scripts.")
  boolean json;

  @Option(names = "--cacert", paramLabel = "FILE",
      description = "PEM CA certificate(s) that an https admin API's certificate must chain to (default: the JVM's CAs).")
  String caCert;

  /** Runs {@code exchange} against the node; the exit code of the command. */
  int run(Exchange exchange) {
    AdminClient client = new AdminClient(baseUri(), checkedToken(), trustedCa());
    PrintWriter out = command.commandLine().getOut();
    PrintWriter err = command.commandLine().getErr();
    try {
      String text = exchange.run(client);
      out.print(text.endsWith("\n") ? text : text + "\n");
      out.flush();
      return Main.EXIT_OK;
    } catch (AdminCallFailed e) {
      err.println("mqttlb: " + e.getMessage());
      err.flush();
      return Main.EXIT_FAILURE;
    }
  }

  /** The raw body with {@code --json}, else what {@code table} makes of the answer. */
  String show(AdminAnswer answer, Renderer table) throws AdminCallFailed {
    return json ? answer.body() : table.render(answer);
  }

  @FunctionalInterface
  interface Renderer {
    String render(AdminAnswer answer) throws AdminCallFailed;
  }

  /** Path segments cannot be empty: an empty id or key would address a different call. */
  void requireNonEmpty(String label, String value) {
    if (value == null || value.isEmpty()) {
      throw usageError(label + " must not be empty");
    }
  }

  /** A usage error of the command being run: picocli prints it with the usage and exits 2. */
  ParameterException usageError(String message) {
    return new ParameterException(command.commandLine(), message);
  }

  /** The token, if it can travel in an HTTP header: visible ASCII only. */
  private String checkedToken() {
    if (token != null && !token.strip().chars().allMatch(c -> c > ' ' && c < 127)) {
      throw usageError("--token (or " + TOKEN_VARIABLE + "): a bearer token is visible ASCII characters without spaces");
    }
    return token;
  }

  /** A TLS context trusting only the CAs of {@code --cacert}; null without the option. */
  private SSLContext trustedCa() {
    if (caCert == null) {
      return null;
    }
    Optional<String> problem = CaFile.problem(caCert);
    if (problem.isPresent()) {
      throw usageError("--cacert: " + problem.get());
    }
    try {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      List<X509Certificate> certificates = PemFiles.certificates(Path.of(caCert));
      for (int i = 0; i < certificates.size(); i++) {
        trusted.setCertificateEntry("ca-" + i, certificates.get(i));
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (PemException | GeneralSecurityException | IOException e) {
      throw usageError("--cacert: cannot use " + caCert + ": " + e.getMessage());
    }
  }

  /** {@code --admin} as a base URI; "host:port" alone means plain HTTP. */
  private URI baseUri() {
    String text = adminUrl.strip();
    if (!text.contains("://")) {
      text = "http://" + text;
    }
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    try {
      URI uri = new URI(text);
      if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null
          || uri.getQuery() != null || uri.getFragment() != null) {
        throw usageError("--admin: expected a URL like " + DEFAULT_ADMIN_URL + ", got '" + adminUrl + "'");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw usageError("--admin: expected a URL like " + DEFAULT_ADMIN_URL + ", got '" + adminUrl + "'");
    }
  }
}
