package io.mqttlb.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class that starts a process of its own or needs one started for it: a Mosquitto,
 * Aedes or HAProxy peer, Chromium, openssl, curl, npm or node, or another JVM (a node from the
 * packaged jar); every {@code *IT} class carries it too, since those need the packaged jar, which
 * only {@code mvn verify} builds. {@code mvn test} leaves these classes out, so that the fast lane needs nothing
 * installed and stays quick; failsafe runs them in the integration phase of {@code mvn verify}
 * (see docs/testing-lanes.md). A class that only uses sockets, in-JVM nodes or an in-JVM
 * Hazelcast cluster is not end-to-end in this sense and stays in the fast lane.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Tag(EndToEnd.TAG)
public @interface EndToEnd {

  /** The JUnit tag the build's lanes select on. */
  String TAG = "e2e";
}
