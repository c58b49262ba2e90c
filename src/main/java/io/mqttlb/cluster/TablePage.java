package io.mqttlb.cluster;

import java.util.List;

/** A listing of the routing table: how many entries it holds in all, and the ones asked for. */
public record TablePage(long size, long overrides, long sticky, List<TableEntry> entries) {}
