// The agent status enum, registered once here (other modules import it).
import { registerEnumType } from 'type-graphql';
import { AgentStatus } from '@stratum/db';

registerEnumType(AgentStatus, {
  name: 'AgentStatus',
  description: 'ONLINE claims work; DRAINING finishes what it holds; OFFLINE left cleanly; LOST stopped heartbeating.',
});

export { AgentStatus };
