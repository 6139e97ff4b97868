/** Progress reporting as an injectable interface: {@link org.ocs4j.progress.Progress}. */
package org.ocs4j.progress;
