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

export const AGENT_ROLES = ['agent', 'supervisor', 'auditor'] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];

@Entity({ name: 'agents' })
@Check('agents_role_check', `role IN ('agent', 'supervisor', 'auditor')`)
@Check('agents_email_lower_check', `email = lower(email)`)
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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
