// One bundle for the quorum screen markup tests: the screens, their store factories and
// providers must share one copy of each React context (see load-renderer.ts).
export { QuorumLoginScreen } from '../../../renderer/screens/quorum/login/QuorumLoginScreen';
export { QuorumSetupScreen } from '../../../renderer/screens/quorum/setup/QuorumSetupScreen';
export { QuorumStoresProvider } from '../../../renderer/stores/quorum-context';
export { createQuorumLoginStore } from '../../../renderer/stores/quorum-login-store';
export { createQuorumSetupStore } from '../../../renderer/stores/quorum-setup-store';
export { StatusStoreProvider } from '../../../renderer/stores/status-context';
export { createStatusStore } from '../../../renderer/stores/status-store';
