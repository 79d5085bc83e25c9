/** The gRPC edge: the server and every service on it, and the codec remote versions are called with. */
export { createGrpcEdge, type GrpcEdge, type GrpcEdgeOptions } from './grpc-edge.js';
export { createAdminEdge, type AdminEdge, type AdminEdgeOptions } from './admin-edge.js';
export { createRemoteCodec } from './remote-codec.js';
export { bindServer, createGrpcServer } from './create-grpc-server.js';
export { OUTCOME_TRAILER, REPORT_TRAILER } from './vote-report.js';
export { ERROR_DOMAIN, STATUS_BY_CODE, toServiceError } from './status.js';
export { OPERATOR_SERVICE, type OperatorControl, type StandingView } from './operator-service.js';
export { createTlsCredentials, loadTlsMaterial, type TlsCredentials, type TlsLoad } from './tls-credentials.js';
