import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Shop } from './shop.entity.js';

@Entity({ name: 'api_keys' })
@Index('api_keys_shop_id_idx', ['shopId', 'createdAt'])
export class ApiKey {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'shop_id', type: 'uuid' })
  shopId: string;

  @ManyToOne(() => Shop, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'shop_id', foreignKeyConstraintName: 'api_keys_shop_id_fkey' })
  shop?: Relation<Shop>;

  @Column({ type: 'text' })
  name: string;

  /** The visible start of the key (`ak_1a2b3c4d`), to tell keys apart without revealing them. */
  @Column({ type: 'text' })
  prefix: string;

  /** sha256 of the whole key; the key itself is shown once and never stored. */
  @Index('api_keys_key_hash_key', { unique: true })
  @Column({ name: 'key_hash', type: 'text' })
  keyHash: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', precision: 3, nullable: true })
  lastUsedAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', precision: 3, nullable: true })
  revokedAt: Date | null;
}
