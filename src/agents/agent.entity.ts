import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { Shop } from '../shops/shop.entity.js';

import { AGENT_ROLES, type AgentRole } from '../platform/auth/principal.js';

export { AGENT_ROLES, type AgentRole };

/** online: takes distributed cases · away: stepped away · suspended (挂起): keeps their cases, receives no new ones. */
export const PRESENCES = ['online', 'away', 'suspended'] as const;
export type Presence = (typeof PRESENCES)[number];

@Entity({ name: 'agents' })
@Check('agents_role_check', `role IN ('agent', 'supervisor', 'auditor')`)
@Check('agents_email_lower_check', `email = lower(email)`)
@Check('agents_presence_check', `presence IN ('online', 'away', 'suspended')`)
@Check('agents_max_open_cases_check', `max_open_cases > 0`)
@Index('agents_shop_email_key', ['shopId', 'email'], { unique: true })
export class Agent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'shop_id', type: 'uuid' })
  shopId: string;

  @ManyToOne(() => Shop, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'shop_id', foreignKeyConstraintName: 'agents_shop_id_fkey' })
  shop?: Relation<Shop>;

  /** Stored lower-case; unique within a shop. */
  @Column({ type: 'text' })
  email: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName: string;

  @Column({ type: 'text' })
  role: AgentRole;

  @Column({ name: 'password_hash', type: 'text', select: false })
  passwordHash: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ type: 'text', default: 'away' })
  presence: Presence;

  @Column({ name: 'presence_changed_at', type: 'timestamptz', precision: 3, nullable: true })
  presenceChangedAt: Date | null;

  /** At most this many open cases by claim, distribution or a teammate's transfer; null is no limit. */
  @Column({ name: 'max_open_cases', type: 'integer', nullable: true })
  maxOpenCases: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
