package io.mqttlb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.mqttlb.cluster.HazelcastSetup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The ready configurations of {@code cluster-config/}: every node file loads as a node
 * would load it and names a Hazelcast file that Hazelcast accepts, and the Kubernetes manifests
 * agree with the node and Hazelcast files they mount (ports, paths, names, the discovery Service),
 * so an example cannot drift from the code or from itself.
 */
class DeploymentExamplesTest {
  private static final Path CLUSTER_CONFIG = Path.of("cluster-config");
  private static final Path KUBERNETES = CLUSTER_CONFIG.resolve("kubernetes");
  /** What a pod's or a machine's environment gives the node files. */
  private static final Map<String, String> ENV = Map.of(
      "POD_NAME", "mqttlb-7d9f-x2k4q", "MQTTLB_NODE_ID", "lb-2", "MQTTLB_ADMIN_TOKEN", "s3cret");
  /** Where the Kubernetes Deployment mounts the ConfigMap made of the files next to the manifest. */
  private static final String MOUNTED = "/etc/mqttlb/";

  @Test
  void everyNodeFileLoadsAndNamesAHazelcastFileHazelcastAccepts() throws Exception {
    Map<Path, NodeConfig> nodes = nodeFiles();
    assertTrue(nodes.keySet().containsAll(Set.of(CLUSTER_CONFIG.resolve("node-1.yaml"), KUBERNETES.resolve("node.yaml"),
        CLUSTER_CONFIG.resolve("emqx/node.yaml"), CLUSTER_CONFIG.resolve("example-node.yaml"))), nodes.keySet().toString());
    for (Map.Entry<Path, NodeConfig> node : nodes.entrySet()) {
      NodeConfig config = node.getValue();
      assertTrue(!config.brokers().isEmpty() && !config.listeners().isEmpty(), node.getKey().toString());
      if (config.cluster().clustered()) {
        Path hazelcast = Path.of(config.cluster().hazelcastConfig());
        assertTrue(Files.isRegularFile(hazelcast), node.getKey() + " names " + hazelcast);
        assertNotNull(HazelcastSetup.read(hazelcast));
      }
    }
  }

  @Test
  void deploymentNodeFilesTakeTheirIdAndTokenFromTheEnvironmentAndRequireTheToken() throws Exception {
    for (Path file : List.of(KUBERNETES.resolve("node.yaml"), CLUSTER_CONFIG.resolve("emqx/node.yaml"))) {
      NodeConfig config = load(file, ENV);
      assertEquals("s3cret", config.admin().token(), file.toString());
      assertTrue(Set.of("mqttlb-7d9f-x2k4q", "lb-2").contains(config.nodeId()), config.nodeId());
      ConfigException noToken = assertThrows(ConfigException.class,
          () -> load(file, Map.of("POD_NAME", "p", "MQTTLB_NODE_ID", "n")));
      assertTrue(noToken.getMessage().contains("MQTTLB_ADMIN_TOKEN"), noToken.getMessage());
    }
  }

  @Test
  void kubernetesManifestsAgreeWithTheFilesTheyMount() throws Exception {
    Map<String, Map<String, Object>> docs = manifests();
    NodeConfig node = load(KUBERNETES.resolve("node.yaml"), ENV);
    Config hazelcast = HazelcastSetup.read(KUBERNETES.resolve("hazelcast.yaml"));

    // The ConfigMap: kustomize builds it from the two files, the Deployment mounts it at MOUNTED.
    Map<String, Object> kustomization = new Yaml().load(Files.readString(KUBERNETES.resolve("kustomization.yaml")));
    Map<String, Object> generator = map(list(kustomization, "configMapGenerator").get(0));
    List<Object> files = list(generator, "files");
    assertEquals(List.of("node.yaml", "hazelcast.yaml"), files);
    files.forEach(f -> assertTrue(Files.isRegularFile(KUBERNETES.resolve((String) f)), String.valueOf(f)));
    assertEquals(List.of("mqttlb.yaml"), list(kustomization, "resources"));
    Map<String, Object> rawNode = new Yaml().load(Files.readString(KUBERNETES.resolve("node.yaml")));
    assertEquals(MOUNTED + "hazelcast.yaml", map(rawNode, "cluster").get("hazelcastConfig"));

    Map<String, Object> deployment = docs.get("Deployment/mqttlb");
    Map<String, Object> pod = map(map(map(deployment, "spec"), "template"), "spec");
    Map<String, Object> container = map(list(pod, "containers").get(0));
    assertEquals(List.of("node", "--config", MOUNTED + "node.yaml"), container.get("args"));
    Map<String, Object> mount = map(list(container, "volumeMounts").get(0));
    assertEquals(MOUNTED, mount.get("mountPath") + "/");
    Map<String, Object> volume = map(list(pod, "volumes").get(0));
    assertEquals(mount.get("name"), volume.get("name"));
    assertEquals(generator.get("name"), map(volume, "configMap").get("name"));

    // Ports: what the node and Hazelcast listen on is what the pod declares and the Services target.
    Map<String, Integer> ports = new TreeMap<>();
    for (Object p : list(container, "ports")) {
      ports.put((String) map(p).get("name"), (Integer) map(p).get("containerPort"));
    }
    assertEquals(Map.of("mqtt", node.listeners().get(0).port(), "admin", node.admin().port(),
        "hazelcast", hazelcast.getNetworkConfig().getPort()), ports);
    for (String probe : List.of("readinessProbe", "livenessProbe")) {
      Map<String, Object> get = map(map(container, probe), "httpGet");
      assertEquals("/health", get.get("path"), probe);
      assertEquals("admin", get.get("port"), probe);
    }
    assertEquals("0.0.0.0", node.admin().host(), "the kubelet probes the pod IP");

    // The environment the node file reads.
    Map<String, Map<String, Object>> env = new TreeMap<>();
    for (Object e : list(container, "env")) {
      env.put((String) map(e).get("name"), map(e));
    }
    assertEquals("metadata.name", map(map(env.get("POD_NAME"), "valueFrom"), "fieldRef").get("fieldPath"));
    Map<String, Object> secretRef = map(map(env.get("MQTTLB_ADMIN_TOKEN"), "valueFrom"), "secretKeyRef");
    Map<String, Object> secret = docs.get("Secret/" + secretRef.get("name"));
    assertNotNull(secret, "the Secret the token comes from");
    assertTrue(map(secret, "stringData").containsKey((String) secretRef.get("key")));

    // Discovery: Hazelcast asks DNS for the headless Service, which lists pods before they are ready.
    JoinConfig join = hazelcast.getNetworkConfig().getJoin();
    assertTrue(join.getKubernetesConfig().isEnabled() && !join.getTcpIpConfig().isEnabled()
        && !join.getMulticastConfig().isEnabled());
    Map<String, Object> headless = docs.get("Service/mqttlb-hazelcast");
    Map<String, Object> headlessSpec = map(headless, "spec");
    assertEquals("None", headlessSpec.get("clusterIP"));
    assertEquals(Boolean.TRUE, headlessSpec.get("publishNotReadyAddresses"));
    assertEquals("hazelcast", map(list(headlessSpec, "ports").get(0)).get("targetPort"));
    String namespace = (String) map(headless, "metadata").get("namespace");
    assertEquals("mqttlb-hazelcast." + namespace + ".svc.cluster.local", join.getKubernetesConfig().getProperty("service-dns"));

    // Every Service and the disruption budget select the Deployment's pods, in its namespace.
    Map<String, Object> podLabels = map(map(map(map(deployment, "spec"), "template"), "metadata"), "labels");
    assertEquals(podLabels, map(map(deployment, "spec"), "selector").get("matchLabels"));
    for (Map.Entry<String, Map<String, Object>> doc : docs.entrySet()) {
      if (doc.getKey().startsWith("Namespace/")) {
        continue;
      }
      assertEquals(namespace, map(doc.getValue(), "metadata").get("namespace"), doc.getKey());
      Map<String, Object> spec = doc.getValue().containsKey("spec") ? map(doc.getValue(), "spec") : Map.of();
      if (doc.getKey().startsWith("Service/")) {
        assertEquals(podLabels, spec.get("selector"), doc.getKey());
        for (Object p : list(spec, "ports")) {
          assertTrue(ports.containsKey((String) map(p).get("targetPort")), doc.getKey() + " targets " + p);
        }
      } else if (doc.getKey().startsWith("PodDisruptionBudget/")) {
        assertEquals(podLabels, map(spec, "selector").get("matchLabels"));
      }
    }
    assertNotNull(docs.get("Namespace/" + namespace));
  }

  /** Every YAML file under cluster-config whose top level has a {@code node} key, loaded as a node loads it. */
  private static Map<Path, NodeConfig> nodeFiles() throws IOException, ConfigException {
    Map<Path, NodeConfig> nodes = new TreeMap<>();
    List<Path> yamlFiles;
    try (Stream<Path> walk = Files.walk(CLUSTER_CONFIG)) {
      yamlFiles = walk.filter(p -> p.toString().endsWith(".yaml")).sorted().collect(Collectors.toList());
    }
    for (Path file : yamlFiles) {
      String text = Files.readString(file);
      List<Object> documents = new ArrayList<>();
      new Yaml().loadAll(text).forEach(documents::add);
      if (documents.size() == 1 && documents.get(0) instanceof Map<?, ?> top && top.containsKey("node")) {
        nodes.put(file, load(file, ENV));
      }
    }
    return nodes;
  }

  /**
   * Loads a node file as a node would. A file meant to be mounted at {@link #MOUNTED} (with the
   * Hazelcast file next to it) reads it from its own directory in the repository instead.
   */
  private static NodeConfig load(Path file, Map<String, String> env) throws IOException, ConfigException {
    String text = Files.readString(file).replace(MOUNTED, file.toAbsolutePath().getParent() + "/");
    return ConfigLoader.parse(text, file.toString(), env);
  }

  /** The documents of mqttlb.yaml by "Kind/name". */
  private static Map<String, Map<String, Object>> manifests() throws IOException {
    Map<String, Map<String, Object>> docs = new TreeMap<>();
    for (Object doc : new Yaml().loadAll(Files.readString(KUBERNETES.resolve("mqttlb.yaml")))) {
      Map<String, Object> m = map(doc);
      docs.put(m.get("kind") + "/" + map(m, "metadata").get("name"), m);
    }
    assertEquals(Set.of("Namespace/mqttlb", "Secret/mqttlb-admin", "Service/mqttlb-hazelcast", "Service/mqttlb",
        "Service/mqttlb-admin", "Deployment/mqttlb", "PodDisruptionBudget/mqttlb"), docs.keySet());
    return docs;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    assertTrue(value instanceof Map, String.valueOf(value));
    return (Map<String, Object>) value;
  }

  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    return map(parent.get(key));
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    assertTrue(value instanceof List, key + ": " + value);
    return (List<Object>) value;
  }
}
