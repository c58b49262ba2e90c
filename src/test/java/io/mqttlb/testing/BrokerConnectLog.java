package io.mqttlb.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The clients a Mosquitto broker accepted, measured on the broker: its own log lines
 * ({@code New client connected from 127.0.0.1:P as ID (...)}, written when it accepts a client's
 * CONNECT) read as it writes them. Mosquitto's timestamps have whole seconds only, so each line is
 * timed when it appears in the file: a thread polls the file every {@value #POLL_MILLIS} ms, which
 * bounds the resolution (a thread held up longer sees several lines at once, which can only make
 * them look closer together than they were, never further apart). Thread-safe.
 */
public final class BrokerConnectLog implements AutoCloseable {
  static final long POLL_MILLIS = 2;
  private static final Pattern CONNECTED = Pattern.compile("New client connected from \\S+ as (\\S+) ");

  /** One client the broker accepted, and when its line appeared ({@link System#nanoTime()}). */
  public record Connect(String clientId, long atNanos) {
  }

  private final RandomAccessFile file;
  private final List<Connect> connects = new ArrayList<>();
  private final Thread reader;
  private final StringBuilder partial = new StringBuilder();
  private volatile boolean closed;

  private BrokerConnectLog(Path log) throws IOException {
    this.file = new RandomAccessFile(log.toFile(), "r");
    this.reader = new Thread(this::follow, "connect-log-" + log.getParent().getFileName());
    reader.setDaemon(true);
    reader.setPriority(Thread.MAX_PRIORITY);
  }

  /** Follows a broker of {@link MosquittoBroker#startLoggingConnects} from now on (earlier lines are skipped). */
  public static BrokerConnectLog follow(MosquittoBroker broker) {
    try {
      BrokerConnectLog log = new BrokerConnectLog(broker.connectLog());
      log.file.seek(log.file.length());
      log.reader.start();
      return log;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void follow() {
    byte[] buffer = new byte[64 * 1024];
    try {
      while (!closed) {
        int read = file.read(buffer);
        if (read <= 0) {
          TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
          continue;
        }
        long now = System.nanoTime();
        partial.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
        int end;
        while ((end = partial.indexOf("\n")) >= 0) {
          Matcher matcher = CONNECTED.matcher(partial.substring(0, end));
          if (matcher.find()) {
            synchronized (connects) {
              connects.add(new Connect(matcher.group(1), now));
            }
          }
          partial.delete(0, end + 1);
        }
      }
    } catch (IOException | InterruptedException e) {
      // closed while reading
    }
  }

  /** The clients accepted so far whose id starts with {@code prefix}, in the broker's order. */
  public List<Connect> connects(String prefix) {
    synchronized (connects) {
      return connects.stream().filter(c -> c.clientId().startsWith(prefix)).toList();
    }
  }

  /**
   * The most connects in any window of {@code windowNanos}: windows end at each connect, which is
   * where the largest count of a sliding window is always found.
   */
  public static int maxInWindow(List<Connect> connects, long windowNanos) {
    int max = 0;
    int first = 0;
    for (int last = 0; last < connects.size(); last++) {
      while (connects.get(last).atNanos() - connects.get(first).atNanos() >= windowNanos) {
        first++;
      }
      max = Math.max(max, last - first + 1);
    }
    return max;
  }

  @Override
  public void close() {
    closed = true;
    try {
      reader.join(1000);
      file.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException ignored) {
      // nothing left to read
    }
  }
}
