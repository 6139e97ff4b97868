package org.ocs4j.rewrite;

/**
 * A layer with splittable weights that OCS left unchanged, and why.
 *
 * @param layer     the layer's label
 * @param layerType its DL4J class simple name
 * @param reason    why it was not split
 */
public record SkippedLayer(String layer, String layerType, String reason) {
}
