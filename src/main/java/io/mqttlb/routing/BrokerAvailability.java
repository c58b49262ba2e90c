package io.mqttlb.routing;

/** Whether new clients may be sent to a broker right now (not suspected, not down). */
@FunctionalInterface
public interface BrokerAvailability {
  BrokerAvailability ALL = brokerId -> true;

  boolean isAvailable(String brokerId);
}
